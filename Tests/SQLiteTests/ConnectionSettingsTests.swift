import SQLite
import Testing

@Suite("SQLiteConnection settings")
struct ConnectionSettingsTests {
    @Test("writer: WAL, synchronous NORMAL, foreign keys, busy timeout; readers: foreign keys, timeout, read-only")
    func databaseConnections() async throws {
        try await withTemporaryDatabase { database in
            let writer = try await database.writeWithoutTransaction { connection in
                try connection.query("PRAGMA journal_mode").map(\.values)
                    + connection.query("PRAGMA synchronous").map(\.values)
                    + connection.query("PRAGMA foreign_keys").map(\.values)
                    + connection.query("PRAGMA busy_timeout").map(\.values)
            }
            #expect(writer == [[.text("wal")], [.integer(1)], [.integer(1)], [.integer(5000)]])
            let reader = try await database.read { connection in
                try [connection.queryOne("PRAGMA foreign_keys")?[0], connection.queryOne("PRAGMA busy_timeout")?[0]]
            }
            #expect(reader == [.integer(1), .integer(5000)])
            let readerMode = try await database.read { $0.mode }
            #expect(readerMode == .readOnly)
        }
    }

    @Test("a custom busy timeout is applied")
    func customBusyTimeout() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(
                path: directory + "/t.sqlite", readerCount: 1, busyTimeout: .milliseconds(1500))
            defer { database.close() }
            let timeouts = try await [
                database.read { try $0.queryOne("PRAGMA busy_timeout")?[0] },
                database.writeWithoutTransaction { try $0.queryOne("PRAGMA busy_timeout")?[0] },
            ]
            #expect(timeouts == [.integer(1500), .integer(1500)])
        }
    }

    @Test("the WAL mode persists in the file")
    func walPersists() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/t.sqlite"
            do {
                let database = try SQLiteDatabase(path: path, readerCount: 1)
                try await database.write { try $0.execute("CREATE TABLE t (x)") }
                database.close()
            }
            let reader = try SQLiteConnection(path: path, mode: .readOnly)
            #expect(try reader.queryOne("PRAGMA journal_mode")?[0] == .text("wal"))
        }
    }
}
