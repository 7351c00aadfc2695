public import Foundation
import SQLite
public import Storage

/// The `inbound_webhooks` table: which `webhook-id`s were processed, for idempotency.
///
/// Every function runs on the caller's connection and inside the caller's write transaction, so
/// the id is recorded exactly when the change it caused commits.
public enum InboundWebhookStore {
    /// What processing of a recorded webhook did, or nil when `webhookID` was never processed.
    public static func outcome(of webhookID: String, on connection: Connection) throws(OutboxError) -> String? {
        do {
            return try connection.queryOne("SELECT outcome FROM inbound_webhooks WHERE webhook_id = ?", webhookID)?
                .decode(0, as: String.self)
        } catch {
            throw .storage(error, while: "cannot look up inbound webhook \(webhookID)")
        }
    }

    /// Records that `webhookID` from `source` was processed with `outcome`.
    ///
    /// - Throws: ``OutboxError`` `storage`, also when the id is already recorded (check
    ///   ``outcome(of:on:)`` first, in the same transaction).
    public static func record(
        webhookID: String, source: String, outcome: String, on connection: Connection, now: Date
    ) throws(OutboxError) {
        do {
            try connection.run(
                "INSERT INTO inbound_webhooks (webhook_id, source, received_at, outcome) VALUES (?, ?, ?, ?)",
                webhookID, source, now, outcome)
        } catch {
            throw .storage(error, while: "cannot record inbound webhook \(webhookID)")
        }
    }

    /// Deletes the records received before `cutoff`; returns how many.
    ///
    /// Safe once `cutoff` is older than the signature tolerance (five minutes) plus any clock
    /// skew: a replay of such a webhook carries its old signed timestamp and is refused before
    /// the table is consulted.
    @discardableResult
    public static func prune(receivedBefore cutoff: Date, on connection: Connection) throws(OutboxError) -> Int {
        do {
            return try connection.run("DELETE FROM inbound_webhooks WHERE received_at < ?", cutoff)
        } catch {
            throw .storage(error, while: "cannot prune inbound webhooks")
        }
    }
}
