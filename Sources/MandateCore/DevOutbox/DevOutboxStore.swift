public import Foundation
import SQLite
public import Storage

/// What the dev outbox received (`dev_outbox`): the newest ``retainedCount`` webhook requests.
///
/// Every function runs on the caller's connection; ``receive(channel:body:headers:on:now:)``
/// needs a write transaction.
public enum DevOutboxStore {
    /// How many requests are kept; older ones are deleted as new ones arrive.
    public static let retainedCount = 500

    /// What ``receive(channel:body:headers:on:now:)`` recorded.
    public struct Receipt: Sendable, Hashable {
        /// The new row's id.
        public var id: Int64
        /// Whether the signature verified.
        public var signatureValid: Bool
        /// Why it did not.
        public var signatureError: String?
    }

    /// Verifies a request to `/dev/outbox/<channel>` with that channel's secret and records it
    /// either way: a request with a bad signature is kept, marked invalid, so that a person can
    /// see a misconfigured sender.
    ///
    /// - Parameter headers: looks up a header by lowercase name.
    /// - Throws: ``OutboxError`` `storage`.
    public static func receive(
        channel: MessageChannel, body: [UInt8], headers: (String) -> String?, on connection: Connection, now: Date
    ) throws(OutboxError) -> Receipt {
        let secret = try DevOutboxSecrets.loadOrCreate(channel, on: connection)
        var signatureError: String?
        do {
            try StandardWebhooks.verify(body: body, headers: headers, secrets: [secret.text], now: now)
        } catch {
            signatureError = error.message
        }
        let webhookID = headers("webhook-id").map { String($0.prefix(200)) }
        do {
            let id =
                try connection.queryOne(
                    """
                    INSERT INTO dev_outbox (channel, webhook_id, received_at, signature_valid, signature_error, payload)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                    channel.rawValue, webhookID, now, signatureError == nil, signatureError,
                    String(decoding: body, as: UTF8.self))?.decode(0, as: Int64.self) ?? 0
            // Keep the newest rows only: everything at or below the id that is retainedCount back.
            try connection.run("DELETE FROM dev_outbox WHERE id <= ?", id - Int64(retainedCount))
            return Receipt(id: id, signatureValid: signatureError == nil, signatureError: signatureError)
        } catch {
            throw .storage(error, while: "cannot record a dev outbox \(channel.rawValue) request")
        }
    }

    /// The newest entries first, optionally of one channel; at most `limit` (1…``retainedCount``).
    public static func listNewestFirst(
        channel: MessageChannel? = nil, limit: Int = 100, on connection: Connection
    ) throws(OutboxError) -> [DevOutboxEntry] {
        let limit = min(max(limit, 1), retainedCount)
        do {
            let rows: [Row]
            if let channel {
                rows = try connection.query(
                    "SELECT \(columns) FROM dev_outbox WHERE channel = ? ORDER BY id DESC LIMIT ?", channel.rawValue,
                    limit)
            } else {
                rows = try connection.query("SELECT \(columns) FROM dev_outbox ORDER BY id DESC LIMIT ?", limit)
            }
            return try rows.map(decode)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot list the dev outbox")
        }
    }

    /// The entry `id`, or nil.
    public static func entry(id: Int64, on connection: Connection) throws(OutboxError) -> DevOutboxEntry? {
        do {
            return try connection.queryOne("SELECT \(columns) FROM dev_outbox WHERE id = ?", id).map(decode)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot read dev outbox entry \(id)")
        }
    }

    /// How many entries are kept, per channel, and how many of them failed verification.
    public static func counts(on connection: Connection) throws(OutboxError) -> (sms: Int, email: Int, invalid: Int) {
        do {
            var counts = (sms: 0, email: 0, invalid: 0)
            for row in try connection.query(
                "SELECT channel, count(*), sum(\(connection.dialect.integer("signature_valid = 0"))) FROM dev_outbox GROUP BY channel"
            ) {
                let count: Int = try row.decode(1)
                switch try row.decode(0, as: String.self) {
                case MessageChannel.sms.rawValue: counts.sms = count
                case MessageChannel.email.rawValue: counts.email = count
                default: break
                }
                counts.invalid += try row.decode(2, as: Int.self)
            }
            return counts
        } catch {
            throw .storage(error, while: "cannot count the dev outbox")
        }
    }

    private static let columns = "id, channel, webhook_id, received_at, signature_valid, signature_error, payload"

    private static func decode(_ row: Row) throws -> DevOutboxEntry {
        let channelText = try row.decode(1, as: String.self)
        guard let channel = MessageChannel(rawValue: channelText) else {
            throw OutboxError(.storage, "dev outbox row has an unknown channel '\(channelText)'")
        }
        return DevOutboxEntry(
            id: try row.decode(0), channel: channel, webhookID: try row.decode(2), receivedAt: try row.decode(3),
            signatureValid: try row.decode(4), signatureError: try row.decode(5), payload: try row.decode(6))
    }
}
