import SQLite
public import Storage

/// The Standard Webhooks secrets of the dev-mode SMS and email gateways.
///
/// Random `whsec_` secrets are created on first use and stored in `dev_outbox_secrets`, so that
/// `mandate serve` (which verifies at `/dev/outbox`) and a separate `mandate worker` on the same
/// database (which signs) agree without any configuration. They guard nothing of value (the
/// outbox only exists in dev mode) but keep the traffic honest: a sender that signs wrongly shows
/// up as ✗ on the page.
public enum DevOutboxSecrets {
    /// The SMS and email secrets, created on the first call.
    ///
    /// - Throws: ``OutboxError`` `storage` when the database fails or holds an unusable secret.
    public static func load(database: Database) async throws(OutboxError) -> (sms: WebhookSecret, email: WebhookSecret)
    {
        do {
            return try await database.write { connection in
                (try loadOrCreate(.sms, on: connection), try loadOrCreate(.email, on: connection))
            }
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot read the dev outbox secrets")
        }
    }

    /// The secret of `channel`, created if there is none yet. Needs a write transaction: two
    /// processes creating at once both insert-or-ignore, then read the one that won.
    static func loadOrCreate(_ channel: MessageChannel, on connection: Connection) throws(OutboxError) -> WebhookSecret
    {
        let text: String?
        do {
            try connection.run(
                "INSERT INTO dev_outbox_secrets (channel, secret) VALUES (?, ?) ON CONFLICT (channel) DO NOTHING",
                channel.rawValue, WebhookSecret.generate().text)
            text = try connection.queryOne("SELECT secret FROM dev_outbox_secrets WHERE channel = ?", channel.rawValue)?
                .decode(0, as: String.self)
        } catch {
            throw .storage(error, while: "cannot read the dev outbox secret of \(channel.rawValue)")
        }
        guard let text else {
            throw OutboxError(.storage, "the dev outbox secret of \(channel.rawValue) was not stored")
        }
        do {
            return try WebhookSecret(text)
        } catch {
            throw OutboxError(
                .storage, "the stored dev outbox secret of \(channel.rawValue) is unusable: \(error.message)")
        }
    }
}
