import SQLite
import Testing

@Suite("Statement cache and statement reset")
struct StatementCacheTests {
    @Test("the same SQL is prepared once and reused")
    func reuse() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            let before = connection.statementPreparationCount
            for id in 1...100 {
                try connection.run("INSERT INTO t (id, v) VALUES (?, ?)", id, "v\(id)")
                _ = try connection.queryOne("SELECT v FROM t WHERE id = ?", id)
            }
            #expect(connection.statementPreparationCount - before == 2)
            let cachedCount = connection.cachedStatementCount
            _ = try connection.query("SELECT v FROM t WHERE id = ?", 1)
            #expect(connection.cachedStatementCount == cachedCount)
            #expect(connection.statementPreparationCount - before == 2)
        }
    }

    @Test("a statement that failed is reset and works again")
    func resetAfterError() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            let insert = "INSERT INTO t (v) VALUES (?)"
            try connection.run(insert, "a")
            let error = try #require(throws: SQLiteError.self) { try connection.run(insert, "a") }
            #expect(error.isUniqueConstraintViolation)
            #expect(try connection.run(insert, "b") == 1)
            let binding = try #require(throws: SQLiteError.self) { try connection.run(insert, "c", "extra") }
            #expect(binding.reason == .misuse)
            #expect(try connection.run(insert, "c") == 1)
            #expect(try connection.queryOne("SELECT count(*) FROM t")?[0] == .integer(3))
            #expect(!connection.isInTransaction)
        }
    }

    @Test("a partly read query releases its read snapshot, so a checkpoint can truncate the WAL")
    func queryOneReleasesSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/test.sqlite"
            let writer = try SQLiteConnection(path: path, mode: .readWriteCreate)
            try writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            for id in 1...10 { try writer.run("INSERT INTO t (id) VALUES (?)", id) }
            let reader = try SQLiteConnection(path: path, mode: .readOnly)
            #expect(try reader.queryOne("SELECT id FROM t ORDER BY id")?[0] == .integer(1))
            try writer.run("INSERT INTO t (id) VALUES (11)")
            // Columns: busy, WAL frames, frames checkpointed. busy = 0 means no reader held a snapshot.
            let checkpoint = try #require(try writer.queryOne("PRAGMA wal_checkpoint(TRUNCATE)"))
            #expect(checkpoint[0] == .integer(0))
            #expect(try reader.queryOne("SELECT count(*) FROM t")?[0] == .integer(11))
        }
    }

    @Test("running the same SQL from inside forEachRow uses a separate statement")
    func reentrantSameSQL() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);")
            let sql = "SELECT id FROM t WHERE id >= ? ORDER BY id"
            var pairs: [[Int]] = []
            try connection.forEachRow(sql, 1) { row in
                let id: Int = try row.decode("id")
                let inner = try connection.query(sql, id).map { try $0.decode(0, as: Int.self) }
                pairs.append(inner)
            }
            #expect(pairs == [[1, 2, 3], [2, 3], [3]])
            // The cached statement is usable again afterwards.
            #expect(try connection.query(sql, 2).count == 2)
        }
    }

    @Test("run rejects several statements; execute runs scripts")
    func multipleStatements() async throws {
        try await withTemporaryConnection { connection in
            let error = try #require(throws: SQLiteError.self) {
                try connection.run("CREATE TABLE a (x); CREATE TABLE b (x)")
            }
            #expect(error.reason == .misuse)
            let invalidTail = try #require(throws: SQLiteError.self) { try connection.run("SELECT 1; garbage") }
            #expect(invalidTail.reason == .misuse)
            try connection.run("CREATE TABLE a (x); -- a trailing comment is fine\n")
            try connection.execute("CREATE TABLE b (x); INSERT INTO b VALUES (1); INSERT INTO b VALUES (2);")
            #expect(try connection.queryOne("SELECT count(*) FROM b")?[0] == .integer(2))
            let syntax = try #require(throws: SQLiteError.self) { try connection.execute("CREATE TABL c (x)") }
            #expect(syntax.reason == .other)
            #expect(syntax.message.contains("syntax error"))
        }
    }

    @Test("run reports changed rows and lastInsertRowID")
    func changesAndRowID() async throws {
        try await withTemporaryConnection { connection throws in
            #expect(try connection.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)") == 0)
            #expect(try connection.run("INSERT INTO t (v) VALUES (1), (2), (3)") == 3)
            #expect(connection.lastInsertRowID == 3)
            #expect(try connection.run("UPDATE t SET v = v + 1 WHERE v >= ?", 2) == 2)
            #expect(try connection.run("SELECT * FROM t") == 0)
            #expect(try connection.run("DELETE FROM t") == 3)
        }
    }
}
