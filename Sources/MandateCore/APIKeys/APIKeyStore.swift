import Foundation
import SQLite
import Storage

/// SQL for API keys.
enum APIKeyStore {
    static let columns = "id, tenant_id, name, display_prefix, created_by, created_at, last_used_at, revoked_at"

    static func insert(_ key: APIKey, tokenHash: [UInt8], on connection: Connection) throws {
        try connection.run(
            "INSERT INTO api_keys (\(columns), token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", key.id, key.tenantID,
            key.name, key.displayPrefix, key.createdBy, key.createdAt, key.lastUsedAt, key.revokedAt, tokenHash)
    }

    static func find(tokenHash: [UInt8], on connection: Connection) throws -> APIKey? {
        try connection.queryOne("SELECT \(columns) FROM api_keys WHERE token_hash = ?", tokenHash).map(decode)
    }

    static func find(id: String, tenantID: String, on connection: Connection) throws -> APIKey? {
        try connection.queryOne("SELECT \(columns) FROM api_keys WHERE id = ? AND tenant_id = ?", id, tenantID)
            .map(decode)
    }

    static func list(tenantID: String, on connection: Connection) throws -> [APIKey] {
        try connection.query("SELECT \(columns) FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC", tenantID)
            .map(decode)
    }

    static func touch(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, id)
    }

    static func revoke(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id)
    }

    static func decode(_ row: Row) throws -> APIKey {
        APIKey(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), name: try row.decode("name"),
            displayPrefix: try row.decode("display_prefix"), createdBy: try row.decode("created_by"),
            createdAt: try row.decode("created_at"), lastUsedAt: try row.decode("last_used_at"),
            revokedAt: try row.decode("revoked_at"))
    }
}
