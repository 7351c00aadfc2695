import SQLite
import Testing

@Suite("Typed constraint errors")
struct ConstraintErrorTests {
    private static let schema = """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            age INTEGER CHECK (age >= 0)
        );
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id)
        );
        INSERT INTO users (id, email, age) VALUES (1, 'a@example.com', 30);
        """

    private func failure(_ connection: SQLiteConnection, _ sql: String) throws -> SQLiteError {
        try #require(throws: SQLiteError.self) { try connection.run(sql) }
    }

    @Test("UNIQUE violation")
    func unique() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(Self.schema)
            let sql = "INSERT INTO users (id, email) VALUES (2, 'a@example.com')"
            let error = try failure(connection, sql)
            #expect(error.reason == .constraint(kind: .unique))
            #expect(error.isUniqueConstraintViolation && error.isConstraintViolation)
            #expect(error.resultCode == 19)
            #expect(error.extendedResultCode == 2067)
            #expect(error.message.contains("UNIQUE constraint failed: users.email"))
            #expect(error.sql == sql)
            #expect(error.description.contains("2067") && error.description.contains(sql))
        }
    }

    @Test("PRIMARY KEY violation counts as a uniqueness violation")
    func primaryKey() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(Self.schema)
            let error = try failure(connection, "INSERT INTO users (id, email) VALUES (1, 'b@example.com')")
            #expect(error.reason == .constraint(kind: .primaryKey))
            #expect(error.extendedResultCode == 1555)
            #expect(error.isUniqueConstraintViolation)
        }
    }

    @Test("FOREIGN KEY violation (foreign_keys is on)")
    func foreignKey() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(Self.schema)
            let error = try failure(connection, "INSERT INTO posts (id, user_id) VALUES (1, 99)")
            #expect(error.reason == .constraint(kind: .foreignKey))
            #expect(error.extendedResultCode == 787)
            #expect(error.isForeignKeyViolation)
            #expect(!error.isUniqueConstraintViolation)
            try connection.run("INSERT INTO posts (id, user_id) VALUES (1, 1)")
            let parent = try failure(connection, "DELETE FROM users WHERE id = 1")
            #expect(parent.isForeignKeyViolation)
        }
    }

    @Test("NOT NULL violation")
    func notNull() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(Self.schema)
            let error = try #require(throws: SQLiteError.self) {
                try connection.run("INSERT INTO users (id, email) VALUES (?, ?)", 5, String?.none)
            }
            #expect(error.reason == .constraint(kind: .notNull))
            #expect(error.extendedResultCode == 1299)
            #expect(error.isNotNullViolation)
        }
    }

    @Test("CHECK violation")
    func check() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(Self.schema)
            let error = try failure(connection, "INSERT INTO users (id, email, age) VALUES (3, 'c@example.com', -1)")
            #expect(error.reason == .constraint(kind: .check))
            #expect(error.extendedResultCode == 275)
            #expect(error.isCheckViolation)
        }
    }

    @Test("writing through a read-only connection")
    func readOnly() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/test.sqlite"
            let writer = try SQLiteConnection(path: path, mode: .readWriteCreate)
            try writer.execute(Self.schema)
            let reader = try SQLiteConnection(path: path, mode: .readOnly)
            let error = try failure(reader, "DELETE FROM posts")
            #expect(error.reason == .readOnly)
            #expect(error.resultCode == 8)
        }
    }
}
