import Foundation
import Lifecycle
import SQLite
import Storage

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

    /// How long `webhook-id`s are remembered for deduplication: far beyond the signature tolerance
    /// (five minutes), after which a replay is refused for its old timestamp before the table is
    /// consulted.
    static let webhookIDRetention: TimeInterval = 7 * 86_400
    /// How long billing requests refused before any tenant was known (bad signatures, malformed
    /// bodies) are kept for an operator to look into. A tenant's own history is kept.
    static let anonymousBillingEventRetention: TimeInterval = 30 * 86_400

    /// Bounds the tables every inbound webhook writes to, even a refused one: `inbound_webhooks`
    /// past ``webhookIDRetention`` and tenant-less `billing_events` past
    /// ``anonymousBillingEventRetention``. Returns how many rows went from each.
    @discardableResult
    public func pruneWebhookRecords() async throws(CoreError) -> (webhookIDs: Int, billingEvents: Int) {
        let now = environment.clock.now()
        return try await environment.write { connection in
            let webhookIDs = try InboundWebhookStore.prune(
                receivedBefore: now.addingTimeInterval(-Self.webhookIDRetention), on: connection)
            let billingEvents = try connection.run(
                "DELETE FROM billing_events WHERE tenant_id IS NULL AND received_at < ?",
                now.addingTimeInterval(-Self.anonymousBillingEventRetention))
            return (webhookIDs, billingEvents)
        }
    }
}
