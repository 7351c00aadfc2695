import Foundation
import SQLite
import Storage

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
        try connection.queryOne("SELECT \(columns) FROM sessions WHERE token_hash = ?", tokenHash).map {
            try decode($0)
        }
    }

    static func touch(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE sessions SET last_seen_at = ? WHERE id = ?", now, id)
    }

    static func markAuthenticated(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE sessions SET authenticated_at = ?, last_seen_at = ? WHERE id = ?", now, now, id)
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

    /// Removes sessions past their absolute end (housekeeping; validity is checked on every use anyway).
    @discardableResult
    static func purgeExpired(now: Date, on connection: Connection) throws -> Int {
        try connection.run("DELETE FROM sessions WHERE expires_at <= ?", now)
    }

    /// Decodes the `columns` of a session starting at column `base` (by position).
    static func decode(_ row: Row, at base: Int = 0) throws -> Session {
        Session(
            id: try row.decode(base), tenantID: try row.decode(base + 1), userID: try row.decode(base + 2),
            kind: SessionKind(rawValue: try row.decode(base + 3)) ?? .api,
            scope: SessionScope(rawValue: try row.decode(base + 4)) ?? .mfaSetup,
            csrfToken: try row.decode(base + 5), createdAt: try row.decode(base + 6),
            lastSeenAt: try row.decode(base + 7), expiresAt: try row.decode(base + 8),
            authenticatedAt: try row.decode(base + 9), ipAddress: try row.decode(base + 10),
            userAgent: try row.decode(base + 11))
    }

    /// The number of `columns`.
    static let columnCount = 12

    /// The session of a token with its user, tenant and the user's MFA situation, in one statement
    /// (the hot path of every authenticated request: one read, one consistent snapshot).
    static func findWithOwner(tokenHash: [UInt8], on connection: Connection) throws -> (
        Session, User, Tenant, Principal.MFASnapshot
    )? {
        guard let row = try connection.queryOne(findWithOwnerSQL[connection.dialect], tokenHash) else { return nil }
        let tenant = try TenantStore.decode(row, at: columnCount + UserStore.columnCount)
        let mfaBase = columnCount + UserStore.columnCount + TenantStore.columnCount
        let (settings, enrolled) = try EnforcementStore.decodeUserSettings(row, at: mfaBase, tenant: tenant)
        let snapshot = Principal.MFASnapshot(
            settings: settings, enrolled: enrolled,
            hasEnabledPolicies: try row.decode(mfaBase + EnforcementStore.userSettingsColumnCount))
        return (try decode(row), try UserStore.decode(row, at: columnCount), tenant, snapshot)
    }

    /// Built once: statements are cached by their text, which must not be rebuilt per request.
    /// The `EXISTS` probes `mfa_policies` through its `(tenant_id, name)` index.
    private static let findWithOwnerSQL = DialectText { dialect in
        """
        SELECT \(SQLColumns.qualified("s", columns)), \(SQLColumns.qualified("u", UserStore.columns)),
            \(SQLColumns.qualified("t", TenantStore.columns)),
            \(SQLColumns.qualified("u", EnforcementStore.userSettingsColumns)),
            EXISTS (SELECT 1 FROM mfa_policies p WHERE p.tenant_id = t.id AND \(dialect.isTrue("p.enabled")))
        FROM sessions s
        JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
        JOIN tenants t ON t.id = s.tenant_id
        WHERE s.token_hash = ?
        """
    }
}
