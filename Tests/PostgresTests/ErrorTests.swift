import Postgres
import Testing

@Suite("Server errors carry their SQLSTATE", .whenPostgresConfigured)
struct ErrorTests {
    @Test("a duplicate key is unique_violation (23505) with the constraint and the server's message")
    func uniqueViolation() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute("CREATE TABLE users (email text UNIQUE)")
            try connection.run("INSERT INTO users VALUES ($1)", [.text("a@example.com")])
            let error = #expect(throws: PostgresError.self) {
                try connection.run("INSERT INTO users VALUES ($1)", [.text("a@example.com")])
            }
            #expect(error?.reason == .server)
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraintName == "users_email_key")
            #expect(error?.message.contains("duplicate key") == true)
            #expect(error?.detail?.contains("a@example.com") == true)
            // The connection is still usable.
            #expect(try connection.queryOne("SELECT count(*) FROM users")?[0] == .int64(1))
        }
    }

    @Test("a syntax error and a missing table have their own codes")
    func otherCodes() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let syntax = #expect(throws: PostgresError.self) { try connection.query("SELEC 1") }
            #expect(syntax?.sqlState == .syntaxError)
            #expect(syntax?.sql == "SELEC 1")
            let missing = #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM nowhere") }
            #expect(missing?.sqlState == .undefinedTable)
        }
    }

    @Test("a write conflict between REPEATABLE READ transactions is serialization_failure (40001)")
    func serializationFailure() async throws {
        try await withTestSchema { schema in
            let first = try schema.connect()
            let second = try schema.connect()
            try first.execute(
                "CREATE TABLE counters (id int8 PRIMARY KEY, value int8); INSERT INTO counters VALUES (1, 0)")
            let error = #expect(throws: PostgresError.self) {
                try first.transaction(.repeatableRead) {
                    _ = try first.query("SELECT value FROM counters WHERE id = 1")
                    try second.run("UPDATE counters SET value = value + 1 WHERE id = 1")
                    try first.run("UPDATE counters SET value = value + 10 WHERE id = 1")
                }
            }
            #expect(error?.sqlState == .serializationFailure)
            #expect(error?.isRetryableTransactionFailure == true)
            #expect(!first.isInTransaction)
            #expect(try first.queryOne("SELECT value FROM counters")?[0] == .int64(1))
        }
    }

    @Test("a connection whose backend was terminated reports a lost connection")
    func lostConnection() async throws {
        try await withTestSchema { schema in
            let victim = try schema.connect()
            let killer = try schema.connect()
            let pid = try #require(try victim.queryOne("SELECT pg_backend_pid()")?[0].int64)
            #expect(try killer.queryOne("SELECT pg_terminate_backend($1::int4)", [.int64(pid)])?[0] == .bool(true))
            // pg_terminate_backend only signals; wait until the backend is gone.
            for _ in 0..<100 {
                let alive = try killer.queryOne(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int4", [.int64(pid)])
                if alive?[0] == .int64(0) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let error = #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
            #expect(error?.reason == .connectionLost, "\(String(describing: error))")
            #expect(!victim.isOpen)
        }
    }

    @Test("a closed connection refuses further work")
    func closed() throws {
        let connection = try PostgresConnection(try TestCluster.requireURL())
        #expect(connection.isOpen)
        #expect(connection.serverVersion >= 100_000)
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(error?.reason == .misuse)
    }
}
