import Foundation
import SQLite
public import Storage

extension MessageStore {
    /// One user's messages of one channel, newest first, within their tenant only; at most `limit`
    /// (clamped to 1…200). Served by the `messages_user_newest` index (``OutboxSchema``).
    public static func listForUser(
        tenantID: String, userID: String, channel: MessageChannel, limit: Int = 20, on connection: Connection
    ) throws(OutboxError) -> [Message] {
        let limit = min(max(limit, 1), 200)
        do {
            let rows = try connection.query(
                """
                SELECT \(columns) FROM messages
                WHERE tenant_id = ? AND user_id = ? AND channel = ?
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                tenantID, userID, channel.rawValue, limit)
            return try rows.map(decodeMessage)
        } catch {
            throw .storage(error, while: "cannot list a user's messages")
        }
    }
}
