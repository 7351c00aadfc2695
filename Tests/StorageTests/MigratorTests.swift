import DatabaseTestSupport
import Foundation
import SQLite
import Storage
import Testing

/// Runs `body` on a fresh database of the tests' engine (see `ScratchDatabase`).
private func withTemporaryDatabase(_ body: (Database) async throws -> Void) async throws {
    let scratch = try ScratchDatabase(label: "migrator")
    let database = try scratch.open(connections: 2)
    defer { database.close() }
    try await body(database)
}

@Suite("Migrator")
struct MigratorTests {
    private static let base = [
        Migration(id: "0001-create-users", sql: "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL)"),
        Migration(id: "0002-add-name", sql: "ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT ''"),
        Migration(id: "0003-seed") { connection in
            try connection.run("INSERT INTO users (id, email, name) VALUES (1, ?, ?)", "root@example.com", "Root")
        },
    ]

    private func tableExists(_ database: Database, _ name: String) async throws -> Bool {
        try await database.read { connection in
            switch connection.dialect {
            case .sqlite:
                try connection.queryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name) != nil
            case .postgres:
                try connection.queryOne("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", name)
                    != nil
            }
        }
    }

    @Test("applies migrations in order, records them, and a second run does nothing")
    func appliesInOrder() async throws {
        try await withTemporaryDatabase { database in
            let migrator = Migrator(Self.base)
            #expect(try await migrator.appliedIDs(database) == [])
            #expect(try await migrator.pendingIDs(database) == Self.base.map(\.id))
            let before = Date()
            #expect(try await migrator.migrate(database) == Self.base.map(\.id))
            #expect(try await migrator.appliedIDs(database) == Self.base.map(\.id))
            #expect(try await migrator.pendingIDs(database) == [])
            #expect(try await migrator.migrate(database) == [])

            let user = try await database.read { connection in
                try connection.queryOne("SELECT email, name FROM users").map {
                    try [$0.decode("email", as: String.self), $0.decode("name", as: String.self)]
                }
            }
            #expect(user == ["root@example.com", "Root"])
            let appliedAt = try await database.read { connection in
                try connection.query("SELECT applied_at FROM schema_migrations").map { try $0.decode(0, as: Date.self) }
            }
            #expect(appliedAt.count == 3)
            #expect(appliedAt.allSatisfy { $0.timeIntervalSince(before) > -1 && $0.timeIntervalSinceNow < 1 })
        }
    }

    @Test("a later binary applies only its new migrations")
    func incremental() async throws {
        try await withTemporaryDatabase { database throws in
            #expect(try await Migrator(Array(Self.base.prefix(1))).migrate(database) == ["0001-create-users"])
            #expect(try await Migrator(Self.base).migrate(database) == ["0002-add-name", "0003-seed"])
        }
    }

    @Test("a failing migration rolls back completely, names itself, and stops the run")
    func failingMigration() async throws {
        try await withTemporaryDatabase { database in
            let migrations = [
                Self.base[0],
                Migration(id: "0002-broken") { connection in
                    try connection.execute("CREATE TABLE half_done (x INTEGER)")
                    try connection.run("INSERT INTO users (id, email) VALUES (2, 'partial@example.com')")
                    try connection.execute("INSERT INTO no_such_table VALUES (1)")
                },
                Migration(id: "0003-never", sql: "CREATE TABLE never (x INTEGER)"),
            ]
            let error = await #expect(throws: StorageError.self) { try await Migrator(migrations).migrate(database) }
            #expect(error?.message.contains("0002-broken") == true)
            // SQLite: "no such table"; PostgreSQL: "relation … does not exist".
            #expect("\(error.map { "\($0)" } ?? "")".contains("no_such_table"))
            #expect(try await tableExists(database, "half_done") == false)
            #expect(try await tableExists(database, "never") == false)
            #expect(try await tableExists(database, "users"))
            let users = try await database.read {
                try $0.queryOne("SELECT count(*) FROM users")?.decode(0, as: Int.self)
            }
            #expect(users == 0)
            #expect(try await Migrator(migrations).appliedIDs(database) == ["0001-create-users"])
            #expect(try await Migrator(migrations).pendingIDs(database) == ["0002-broken", "0003-never"])
        }
    }

    @Test("a database with a migration this binary does not know is refused")
    func unknownAppliedID() async throws {
        try await withTemporaryDatabase { database in
            _ = try await Migrator(Self.base).migrate(database)
            let older = Migrator(Array(Self.base.prefix(2)))
            let error = await #expect(throws: StorageError.self) { try await older.migrate(database) }
            #expect(error?.message.contains("0003-seed") == true)
            await #expect(throws: StorageError.self) { try await older.pendingIDs(database) }
        }
    }

    @Test("duplicate migration ids are rejected before anything runs")
    func duplicateIDs() async throws {
        try await withTemporaryDatabase { database throws in
            let migrator = Migrator([Self.base[0], Self.base[1], Migration(id: "0001-create-users", sql: "SELECT 1")])
            let error = await #expect(throws: StorageError.self) { try await migrator.migrate(database) }
            #expect(error?.message.contains("duplicate") == true)
            #expect(try await tableExists(database, "users") == false)
        }
    }

    @Test("the blocking variant for command-line tools")
    func blocking() async throws {
        try await withTemporaryDatabase { database throws in
            #expect(try Migrator(Self.base).migrateBlocking(database) == Self.base.map(\.id))
            #expect(try Migrator(Self.base).migrateBlocking(database) == [])
        }
    }
}
