import Foundation
import SQLite

/// SQL for sessions.
enum SessionStore {
    static let columns = """
        id, tenant_id, user_id, kind, scope, csrf_token, created_at, last_seen_at, expires_at, authenticated_at, ip,
        user_agent
        """

    static func insert(_ session: Session, tokenHash: [UInt8], on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO sessions (\(columns), token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, session.id, session.tenantID, session.userID, session.kind.rawValue, session.scope.rawValue,
            session.csrfToken, session.createdAt, session.lastSeenAt, session.expiresAt, session.authenticatedAt,
            session.ipAddress, session.userAgent, tokenHash)
    }

    static func find(tokenHash: [UInt8], on connection: Connection) throws -> Session? {
        try connection.queryOne("SELECT \(columns) FROM sessions WHERE token_hash = ?", tokenHash).map(decode)
    }

    static func touch(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE sessions SET last_seen_at = ? WHERE id = ?", now, id)
    }

    static func delete(id: String, on connection: Connection) throws {
        try connection.run("DELETE FROM sessions WHERE id = ?", id)
    }

    /// Ends every session of a user, except `keeping` (the one changing its password). Returns how many.
    @discardableResult
    static func deleteAll(userID: String, keeping: String? = nil, on connection: Connection) throws -> Int {
        if let keeping {
            return try connection.run("DELETE FROM sessions WHERE user_id = ? AND id != ?", userID, keeping)
        }
        return try connection.run("DELETE FROM sessions WHERE user_id = ?", userID)
    }

    static func count(userID: String, on connection: Connection) throws -> Int {
        try connection.queryOne("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", userID)?.decode("n") ?? 0
    }

    /// Removes sessions past their absolute end (housekeeping; validity is checked on every use anyway).
    @discardableResult
    static func purgeExpired(now: Date, on connection: Connection) throws -> Int {
        try connection.run("DELETE FROM sessions WHERE expires_at <= ?", now)
    }

    static func decode(_ row: Row) throws -> Session {
        Session(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), userID: try row.decode("user_id"),
            kind: SessionKind(rawValue: try row.decode("kind")) ?? .api,
            scope: SessionScope(rawValue: try row.decode("scope")) ?? .mfaSetup,
            csrfToken: try row.decode("csrf_token"), createdAt: try row.decode("created_at"),
            lastSeenAt: try row.decode("last_seen_at"), expiresAt: try row.decode("expires_at"),
            authenticatedAt: try row.decode("authenticated_at"), ipAddress: try row.decode("ip"),
            userAgent: try row.decode("user_agent"))
    }
}
