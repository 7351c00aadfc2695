import Foundation
import Lifecycle
import SQLite

/// Periodic clean-up run by the scheduler.
public struct Housekeeping: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Deletes sessions past their absolute end and sign-in challenges past theirs (validity is
    /// checked on every use anyway; this only keeps the tables small). Returns how many sessions.
    @discardableResult
    public func purgeExpiredSessions() async throws(CoreError) -> Int {
        let now = environment.clock.now()
        return try await environment.write { connection in
            try MFAStore.purgeExpiredChallenges(now: now, on: connection)
            return try SessionStore.purgeExpired(now: now, on: connection)
        }
    }
}
