import SQLite
public import Storage

/// The tables of the development outbox: what the SMS and email gateway webhooks delivered to
/// the server's own `/dev/outbox`, and the signing secrets those gateways use in dev mode.
public enum DevOutboxSchema {
    /// Ordered, named migrations; never edit one that has shipped, add a new one.
    public static let migrations: [Migration] = [
        Migration(id: "0120_dev_outbox", sql: devOutbox)
    ]

    /// `payload` is the request body as received (UTF-8, repaired if need be), parsed only for
    /// display, because a sender may be misconfigured. `signature_error` says why a signature did
    /// not verify. `dev_outbox_secrets` holds one `whsec_` secret per channel, shared by
    /// `mandate serve` and a separate `mandate worker` on the same database.
    static let devOutbox = """
        CREATE TABLE dev_outbox (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
            webhook_id TEXT,
            received_at INTEGER NOT NULL,
            signature_valid INTEGER NOT NULL CHECK (signature_valid IN (0, 1)),
            signature_error TEXT,
            payload TEXT NOT NULL
        );
        CREATE TABLE dev_outbox_secrets (
            channel TEXT PRIMARY KEY,
            secret TEXT NOT NULL
        ) WITHOUT ROWID;
        """
}
