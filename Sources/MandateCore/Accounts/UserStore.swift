import Foundation
import SQLite
import Storage

/// SQL for users. Every query is scoped by tenant.
enum UserStore {
    static let columns = """
        id, tenant_id, email, name, role, status, auth_source, password_hash, password_changed_at, failed_attempts,
        locked_until, last_sign_in_at, activated_at, created_at, updated_at, manage_users
        """

    static func insert(_ user: User, on connection: Connection) throws {
        try connection.run(
            "INSERT INTO users (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", user.id,
            user.tenantID, user.email, user.name, user.role.rawValue, user.status.rawValue, user.authSource.rawValue,
            user.passwordHash, user.passwordChangedAt, user.failedAttempts, user.lockedUntil, user.lastSignInAt,
            user.activatedAt, user.createdAt, user.updatedAt, user.manageUsers)
    }

    static func find(id: String, tenantID: String, on connection: Connection) throws -> User? {
        try connection.queryOne("SELECT \(columns) FROM users WHERE id = ? AND tenant_id = ?", id, tenantID)
            .map { try decode($0) }
    }

    static func find(email: String, tenantID: String, on connection: Connection) throws -> User? {
        try connection.queryOne("SELECT \(columns) FROM users WHERE email = ? AND tenant_id = ?", email, tenantID)
            .map { try decode($0) }
    }

    /// Saves every mutable field.
    static func update(_ user: User, on connection: Connection) throws {
        try connection.run(
            """
            UPDATE users SET email = ?, name = ?, role = ?, status = ?, auth_source = ?, password_hash = ?,
                password_changed_at = ?, failed_attempts = ?, locked_until = ?, last_sign_in_at = ?, activated_at = ?,
                updated_at = ?, manage_users = ?
            WHERE id = ? AND tenant_id = ?
            """, user.email, user.name, user.role.rawValue, user.status.rawValue, user.authSource.rawValue,
            user.passwordHash, user.passwordChangedAt, user.failedAttempts, user.lockedUntil, user.lastSignInAt,
            user.activatedAt, user.updatedAt, user.manageUsers, user.id, user.tenantID)
    }

    /// Adds one failure atomically and applies the lockout policy in the same statement, so 50
    /// parallel failures add exactly 50. Returns the new count.
    static func recordFailure(userID: String, policy: LockoutPolicy, now: Date, on connection: Connection) throws -> Int
    {
        let nowMilliseconds = now.millisecondsSince1970
        let row = try connection.queryOne(
            recordFailureSQL(connection.dialect),
            named: [
                ":hard": LockoutPolicy.hardLimit, ":threshold": policy.threshold, ":now": nowMilliseconds,
                ":base": policy.baseDelaySeconds, ":maximum": policy.maximumDelaySeconds, ":id": userID,
            ])
        return try row?.decode("failed_attempts") ?? 0
    }

    /// The statement of ``recordFailure(userID:policy:now:on:)``, built once per dialect.
    private static func recordFailureSQL(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: recordFailureSQLite
        case .postgres: recordFailurePostgres
        }
    }

    private static let recordFailureSQLite = makeRecordFailureSQL(.sqlite)
    private static let recordFailurePostgres = makeRecordFailureSQL(.postgres)

    private static func makeRecordFailureSQL(_ dialect: SQLDialect) -> String {
        let doublings = dialect.least(["failed_attempts + 1 - :threshold", "20"])
        let delay = dialect.least([dialect.shiftLeft(":base", by: doublings), ":maximum"])
        return """
            UPDATE users SET failed_attempts = failed_attempts + 1,
                locked_until = CASE
                    WHEN failed_attempts + 1 >= :hard THEN 9223372036854775807
                    WHEN failed_attempts + 1 >= :threshold THEN :now + \(delay) * 1000
                    ELSE locked_until END,
                updated_at = :now
            WHERE id = :id
            RETURNING failed_attempts
            """
    }

    /// Clears the failure counter after a success or an administrator's unlock.
    static func resetFailures(userID: String, now: Date, on connection: Connection) throws {
        try connection.run(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?", now, userID)
    }

    /// Active owners, who can sign in (a tenant must always keep one; invited owners do not count).
    static func activeOwnerCount(tenantID: String, on connection: Connection) throws -> Int {
        try connection.queryOne(
            "SELECT COUNT(*) AS n FROM users WHERE tenant_id = ? AND role = 'owner' AND status = 'active'",
            tenantID)?.decode("n") ?? 0
    }

    /// A page of users ordered by email, after the `after` email (keyset pagination).
    static func list(
        tenantID: String, search: String?, status: UserStatus?, role: Role?, after: String?, limit: Int,
        on connection: Connection
    ) throws -> [User] {
        var sql = "SELECT \(columns) FROM users WHERE tenant_id = :tenant"
        var parameters: [String: any SQLBindable] = [":tenant": tenantID, ":limit": limit]
        if let search, !search.isEmpty {
            sql += " AND (email LIKE :search ESCAPE '\\' OR name LIKE :search ESCAPE '\\')"
            parameters[":search"] = "%" + escapeLike(search.lowercased()) + "%"
        }
        if let status {
            sql += " AND status = :status"
            parameters[":status"] = status.rawValue
        }
        if let role {
            sql += " AND role = :role"
            parameters[":role"] = role.rawValue
        }
        if let after {
            sql += " AND email > :after"
            parameters[":after"] = after
        }
        sql += " ORDER BY email LIMIT :limit"
        return try connection.query(sql, named: parameters).map { try decode($0) }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    /// Decodes the `columns` of a user starting at column `base` (by position: no name lookups).
    static func decode(_ row: Row, at base: Int = 0) throws -> User {
        var user = User(
            id: try row.decode(base), tenantID: try row.decode(base + 1), email: try row.decode(base + 2),
            name: try row.decode(base + 3), role: Role(rawValue: try row.decode(base + 4)) ?? .member,
            status: UserStatus(rawValue: try row.decode(base + 5)) ?? .suspended,
            authSource: AuthSource(rawValue: try row.decode(base + 6)) ?? .local,
            passwordHash: try row.decode(base + 7), passwordChangedAt: try row.decode(base + 8),
            failedAttempts: try row.decode(base + 9), lockedUntil: try row.decode(base + 10),
            lastSignInAt: try row.decode(base + 11), activatedAt: try row.decode(base + 12),
            createdAt: try row.decode(base + 13), updatedAt: try row.decode(base + 14))
        user.manageUsers = try row.decode(base + 15)
        return user
    }

    /// The number of `columns`.
    static let columnCount = 16
}
