import SQLite
public import Storage

/// The table that makes inbound webhooks idempotent: one row per `webhook-id` that was processed.
///
/// Standard Webhooks senders retry until they get a 2xx and may deliver the same message more
/// than once, so receivers dedupe on `webhook-id` ("Idempotency" in the specification). A row is
/// written in the same transaction as the change the webhook caused; a replay finds it and changes
/// nothing. Rejected webhooks (bad signature, malformed body, unknown message) are not recorded:
/// they changed nothing, and the sender's retry deserves the same answer.
public enum InboundWebhookSchema {
    /// Ordered, named migrations; never edit one that has shipped, add a new one.
    public static let migrations: [Migration] = [
        Migration(id: "0110_inbound_webhooks", sql: inboundWebhooks)
    ]

    /// `source` names the endpoint (`sms_status`, `billing`); `outcome` what processing did
    /// (`applied`, `ignored`). `received_at` is in milliseconds since 1970 like every time column;
    /// its index serves pruning (a row older than the signature tolerance can never match a
    /// replay that would still verify).
    static let inboundWebhooks = """
        CREATE TABLE inbound_webhooks (
            webhook_id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            outcome TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX inbound_webhooks_received ON inbound_webhooks (received_at);
        """
}
