import Postgres
import Testing

@Suite("Connecting", .whenPostgresConfigured)
struct ConnectionTests {
    @Test("connects with the test URL and sees its own role and database")
    func connects() throws {
        let connection = try PostgresConnection(try TestCluster.requireURL())
        let row = try connection.queryOne("SELECT current_user::text, current_database()::text, 1 + $1", [.int64(1)])
        #expect(row?.values.count == 3)
        #expect(row?[2] == .int64(2))
        #expect(connection.target.contains("host"))
    }

    @Test("a missing database fails with the server's reason")
    func missingDatabase() throws {
        let url = try TestCluster.requireURL()
        let slash = try #require(url.lastIndex(of: "/"))
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(url[..<slash] + "/no_such_database")
        }
        #expect(error?.reason == .connectionFailed)
        #expect(error?.message.contains("no_such_database") == true)
    }
}

/// These need no server: they are about failing to reach one. They assert wall-clock limits, so the
/// Makefile's `FailureTests` pattern puts them in the quiet, one-at-a-time phase of `make test`.
@Suite("Failing to connect")
struct ConnectionFailureTests {
    @Test("a malformed connection string fails at once, without echoing the password")
    func malformed() {
        for string in ["not a connection string", "postgres://mandate:se%Zcret@127.0.0.1/mandate"] {
            let error = #expect(throws: PostgresError.self) { try PostgresConnection(string) }
            #expect(error?.reason == .connectionFailed)
            #expect(error?.message.contains("invalid PostgreSQL connection string") == true)
            #expect(error?.message.contains("se%Zcret") == false, "\(error?.message ?? "")")
        }
    }

    @Test("a closed port fails quickly, names the target and hides the password")
    func refused() {
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection("postgres://mandate:hunter2secret@127.0.0.1:1/mandate")
        }
        #expect(clock.now - start < .seconds(5))
        #expect(error?.reason == .connectionFailed)
        #expect(error?.message.contains("host 127.0.0.1, port 1, database mandate, user mandate") == true)
        #expect(error?.description.contains("hunter2secret") == false)
    }

    @Test("a server that never answers is given up after the connect timeout")
    func silentServer() throws {
        // A listening socket that never accepts: the kernel completes the TCP handshake, then
        // nothing ever answers libpq's first message, so only connect_timeout ends the wait.
        let listener = try SilentListener()
        defer { listener.close() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection("postgres://mandate@127.0.0.1:\(listener.port)/mandate", connectTimeout: .seconds(2))
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(8), "\(elapsed)")
        #expect(error?.reason == .connectionFailed)
        #expect(error?.message.contains("timeout") == true, "\(error?.message ?? "")")
    }
}
