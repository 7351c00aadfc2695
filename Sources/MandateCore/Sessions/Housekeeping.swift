import Foundation
import Lifecycle
import SQLite

/// Periodic clean-up run by the scheduler.
public struct Housekeeping: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Deletes sessions past their absolute end (validity is checked on every use anyway; this
    /// only keeps the table small). Returns how many.
    @discardableResult
    public func purgeExpiredSessions() async throws(CoreError) -> Int {
        let now = environment.clock.now()
        return try await environment.write { connection in try SessionStore.purgeExpired(now: now, on: connection) }
    }
}
