import SQLite
import Testing

@Suite("Transactions and savepoints")
struct TransactionTests {
    private func count(_ connection: SQLiteConnection) throws -> Int64 {
        try connection.queryOne("SELECT count(*) FROM t")?.decode(0) ?? -1
    }

    @Test("a transaction commits its work and returns the body's value")
    func commits() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (v TEXT)")
            let result = try connection.transaction {
                try connection.run("INSERT INTO t VALUES ('a')")
                try connection.run("INSERT INTO t VALUES ('b')")
                return "done"
            }
            #expect(result == "done")
            #expect(try count(connection) == 2)
            #expect(!connection.isInTransaction)
        }
    }

    @Test("a throwing body rolls everything back and the original error is rethrown")
    func rollsBack() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (v TEXT)")
            let error = try #require(throws: MarkerError.self) {
                try connection.transaction(.deferred) {
                    try connection.run("INSERT INTO t VALUES ('a')")
                    try connection.run("INSERT INTO t VALUES ('b')")
                    throw MarkerError(label: "stop")
                }
            }
            #expect(error == MarkerError(label: "stop"))
            #expect(try count(connection) == 0)
            #expect(!connection.isInTransaction)
        }
    }

    @Test("a failed statement in a transaction rolls back the statements before it")
    func rollsBackOnSQLiteError() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (v TEXT UNIQUE)")
            let error = try #require(throws: SQLiteError.self) {
                try connection.transaction {
                    try connection.run("INSERT INTO t VALUES ('a')")
                    try connection.run("INSERT INTO t VALUES ('a')")
                }
            }
            #expect(error.isUniqueConstraintViolation)
            #expect(try count(connection) == 0)
        }
    }

    @Test("a failing savepoint rolls back only its own work")
    func nestedSavepoint() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (v TEXT)")
            try connection.transaction {
                try connection.run("INSERT INTO t VALUES ('outer')")
                #expect(throws: MarkerError.self) {
                    try connection.savepoint("inner") {
                        try connection.run("INSERT INTO t VALUES ('inner')")
                        throw MarkerError(label: "inner")
                    }
                }
                try connection.savepoint("kept \"quoted\" name") {
                    try connection.run("INSERT INTO t VALUES ('kept')")
                    try connection.savepoint("deeper") {
                        try connection.run("INSERT INTO t VALUES ('deeper')")
                    }
                }
                #expect(connection.isInTransaction)
            }
            let values = try connection.query("SELECT v FROM t ORDER BY rowid").map {
                try $0.decode(0, as: String.self)
            }
            #expect(values == ["outer", "kept", "deeper"])
        }
    }

    @Test("transactions do not nest; savepoints outside a transaction commit")
    func nestingRules() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE t (v TEXT)")
            try connection.transaction {
                let error = try #require(throws: SQLiteError.self) { try connection.transaction {} }
                #expect(error.message.contains("within a transaction"))
            }
            try connection.savepoint("alone") { try connection.run("INSERT INTO t VALUES ('x')") }
            #expect(!connection.isInTransaction)
            #expect(try count(connection) == 1)
        }
    }

    @Test("SQLiteDatabase.write rolls back when its body throws")
    func databaseWriteRollsBack() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE t (v TEXT)") }
            await #expect(throws: MarkerError.self) {
                try await database.write { connection in
                    try connection.run("INSERT INTO t VALUES ('a')")
                    throw MarkerError(label: "abort")
                }
            }
            let inTransaction = try await database.write { $0.isInTransaction }
            #expect(inTransaction)
            let count = try await database.read { try $0.queryOne("SELECT count(*) FROM t")?.decode(0, as: Int.self) }
            #expect(count == 0)
            let afterwards = try await database.writeWithoutTransaction { $0.isInTransaction }
            #expect(!afterwards)
        }
    }
}
