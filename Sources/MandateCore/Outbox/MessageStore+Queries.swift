import Foundation
import SQLite
public import Storage

extension MessageStore {
    /// The message called `id`, or nil.
    public static func message(id: String, on connection: Connection) throws(OutboxError) -> Message? {
        do {
            return try connection.queryOne("SELECT \(columns) FROM messages WHERE id = ?", id).map(decodeMessage)
        } catch {
            throw .storage(error, while: "cannot read message \(id)")
        }
    }

    /// The newest messages first (for the dev outbox page and the dashboard), optionally only
    /// one tenant's; at most `limit` (clamped to 1…1000).
    public static func listNewestFirst(
        limit: Int = 50, tenantID: String? = nil, on connection: Connection
    ) throws(OutboxError) -> [Message] {
        let limit = min(max(limit, 1), 1000)
        do {
            let rows: [Row]
            if let tenantID {
                rows = try connection.query(
                    "SELECT \(columns) FROM messages WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                    tenantID, limit)
            } else {
                rows = try connection.query(
                    "SELECT \(columns) FROM messages ORDER BY created_at DESC, id DESC LIMIT ?", limit)
            }
            return try rows.map(decodeMessage)
        } catch {
            throw .storage(error, while: "cannot list messages")
        }
    }

    static let columns = """
        id, channel, tenant_id, user_id, recipient, subject, status, error_code, job_id, created_at, updated_at, \
        delivered_at
        """

    static func decodeMessage(_ row: Row) throws -> Message {
        let channelText = try row.decode(1, as: String.self)
        let statusText = try row.decode(6, as: String.self)
        guard let channel = MessageChannel(rawValue: channelText), let status = MessageStatus(rawValue: statusText)
        else {
            throw OutboxError(
                .storage, "message row has an unknown channel or status ('\(channelText)', '\(statusText)')")
        }
        return Message(
            id: try row.decode(0), channel: channel, tenantID: try row.decode(2), userID: try row.decode(3),
            recipient: try row.decode(4), subject: try row.decode(5), status: status, errorCode: try row.decode(7),
            jobID: try row.decode(8), createdAt: try row.decode(9), updatedAt: try row.decode(10),
            deliveredAt: try row.decode(11))
    }
}
