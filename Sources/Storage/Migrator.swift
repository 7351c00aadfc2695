import Foundation
import SQLite

/// Applies ``Migration``s in order, recording each in
/// `schema_migrations(id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)` (`applied_at` in
/// milliseconds since 1970-01-01 UTC).
///
/// Each migration and its record commit together in one transaction, so a failing migration
/// leaves nothing behind; the run stops there with a ``StorageError`` naming it. Several processes
/// migrating the same database at once are safe: SQLite's write lock (`BEGIN IMMEDIATE`) or, on
/// PostgreSQL, a transaction-scoped advisory lock serializes them, and each migration is re-checked
/// inside its transaction.
///
/// A database that records a migration this binary does not know (it was migrated by a newer
/// version) is refused, as are duplicate ids in the list.
public struct Migrator: Sendable {
    /// The migrations, in the order they are applied.
    public let migrations: [Migration]

    /// The advisory lock key PostgreSQL migrators take (an arbitrary constant: "mandate1").
    static let advisoryLockKey: Int64 = 0x6D61_6E64_6174_6531

    /// Creates a migrator for `migrations`, applied in array order. Duplicate ids are reported when
    /// the migrator is used.
    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies the pending migrations; returns the ids applied now.
    public func migrate(_ database: Database) async throws -> [String] {
        try await database.writeWithoutTransaction { connection in try self.migrate(connection) }
    }

    /// ``migrate(_:)-(Database)`` for command-line tools: blocks the calling thread.
    public func migrateBlocking(_ database: Database) throws -> [String] {
        try database.writeWithoutTransactionBlocking { connection in try self.migrate(connection) }
    }

    /// The ids recorded as applied, in the order they were applied.
    public func appliedIDs(_ database: Database) async throws -> [String] {
        try await database.read { connection in try self.appliedIDs(connection) }
    }

    /// The ids of this migrator's migrations not yet applied, in application order. Throws the
    /// same validation errors as ``migrate(_:)-(Database)``.
    public func pendingIDs(_ database: Database) async throws -> [String] {
        try await database.read { connection in try self.pendingIDs(connection) }
    }

    /// Applies the pending migrations on `connection`, which must be outside any transaction;
    /// returns the ids applied now.
    public func migrate(_ connection: Connection) throws -> [String] {
        guard !connection.isInTransaction else {
            throw StorageError("migrations manage their own transactions; call migrate outside a transaction")
        }
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        var appliedNow: [String] = []
        for migration in try pendingMigrations(connection) {
            do {
                let applied = try Self.transaction(on: connection) { () throws -> Bool in
                    // Another process may have applied it since the list was read.
                    guard try connection.queryOne("SELECT 1 FROM schema_migrations WHERE id = ?", migration.id) == nil
                    else { return false }
                    try migration.apply(connection)
                    try connection.run(
                        "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", migration.id, Date())
                    return true
                }
                if applied {
                    appliedNow.append(migration.id)
                }
            } catch {
                throw StorageError(
                    "migration '\(migration.id)' failed and was rolled back; later migrations were not run",
                    underlying: error)
            }
        }
        return appliedNow
    }

    /// The ids recorded as applied on `connection`, in the order they were applied.
    public func appliedIDs(_ connection: Connection) throws -> [String] {
        let (exists, order) =
            switch connection.dialect {
            case .sqlite:
                ("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", "applied_at, rowid")
            case .postgres:
                ("SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL", "applied_at, id")
            }
        guard try connection.queryOne(exists) != nil else { return [] }
        var ids: [String] = []
        for row in try connection.query("SELECT id FROM schema_migrations ORDER BY \(order)") {
            ids.append(try row.decode(0, as: String.self))
        }
        return ids
    }

    /// The ids not yet applied on `connection`, after validating the list against the database.
    public func pendingIDs(_ connection: Connection) throws -> [String] {
        try pendingMigrations(connection).map(\.id)
    }

    /// `BEGIN IMMEDIATE` on SQLite; on PostgreSQL `BEGIN` and the migrators' advisory lock, which
    /// waits for another process's migration to commit.
    private static func transaction<T>(on connection: Connection, _ body: () throws -> T) throws -> T {
        if let sqlite = connection.sqliteConnection {
            return try sqlite.transaction(.immediate, body)
        }
        try connection.execute("BEGIN")
        do {
            _ = try connection.query("SELECT pg_advisory_xact_lock(?)", advisoryLockKey)
            let value = try body()
            try connection.execute("COMMIT")
            return value
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Validates ids (no duplicates, nothing unknown applied) and returns the pending migrations.
    private func pendingMigrations(_ connection: Connection) throws -> [Migration] {
        var known = Set<String>()
        for migration in migrations where !known.insert(migration.id).inserted {
            throw StorageError("duplicate migration id '\(migration.id)'")
        }
        let applied = try appliedIDs(connection)
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StorageError(
                "the database has applied migration(s) this program does not know: "
                    + "\(unknown.joined(separator: ", ")); it was probably migrated by a newer version")
        }
        let appliedSet = Set(applied)
        return migrations.filter { !appliedSet.contains($0.id) }
    }
}
