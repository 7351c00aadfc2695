import Foundation
import Lifecycle
import SQLite

/// Periodic clean-up run by the scheduler.
public struct Housekeeping: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Deletes sessions past their absolute end, sign-in challenges past theirs, and SMS code rows
    /// older than a day (past every anti-abuse window). Validity is checked on every use anyway;
    /// this only keeps the tables small. Returns how many sessions.
    @discardableResult
    public func purgeExpiredSessions() async throws(CoreError) -> Int {
        let now = environment.clock.now()
        return try await environment.write { connection in
            try MFAStore.purgeExpiredChallenges(now: now, on: connection)
            try connection.run("DELETE FROM sms_codes WHERE created_at < ?", now.addingTimeInterval(-86_400))
            return try SessionStore.purgeExpired(now: now, on: connection)
        }
    }
}
