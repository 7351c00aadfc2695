import DatabaseTestSupport
import Foundation
import Postgres
import SQLite
import Storage
import Synchronization
import Testing

/// A count shared by concurrent write bodies.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// `Database` over a PostgreSQL pool: what SQLite cannot show (concurrent writers, a server that
/// drops connections, connection errors). Runs only when `MANDATE_TEST_DATABASE` names a server.
@Suite(
    "Database on PostgreSQL",
    .enabled(if: TestDatabaseEngine.dialect == .postgres, "PostgreSQL only: set MANDATE_TEST_DATABASE"))
struct PostgresDatabaseTests {
    private static func counterDatabase(label: String) async throws -> ScratchDatabase {
        let scratch = try ScratchDatabase(label: label)
        let database = try scratch.open(connections: 1)
        defer { database.close() }
        try await database.writeWithoutTransaction { connection in
            try connection.execute("CREATE TABLE counter (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)")
            try connection.run("INSERT INTO counter (id, value) VALUES (1, 0)")
        }
        return scratch
    }

    @Test("SERIALIZABLE writes are retried: 2 pools × 8 tasks × 25 read-modify-write increments end at exactly 400")
    func serializableRetry() async throws {
        let scratch = try await Self.counterDatabase(label: "serializable")
        let databases = [try scratch.open(connections: 4), try scratch.open(connections: 4)]
        defer { for database in databases { database.close() } }
        let attempts = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for database in databases {
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<25 {
                            try await database.write { connection in
                                attempts.increment()
                                let value = try connection.queryOne("SELECT value FROM counter WHERE id = 1")?
                                    .decode(0, as: Int.self)
                                try connection.run("UPDATE counter SET value = ? WHERE id = 1", (value ?? -1_000) + 1)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await databases[0].read { connection in
            try connection.queryOne("SELECT value FROM counter WHERE id = 1")?.decode(0, as: Int.self)
        }
        #expect(final == 400)
        // Not asserted (it depends on timing), but shows that conflicts happened and were retried.
        print("serializable retry: 400 increments took \(attempts.value) attempts")
        #expect(attempts.value >= 400)
    }

    @Test("a body that throws a non-database error runs once and is not retried")
    func nonDatabaseErrorIsNotRetried() async throws {
        let scratch = try await Self.counterDatabase(label: "noretry")
        let database = try scratch.open(connections: 2)
        defer { database.close() }
        struct Refused: Error {}
        let calls = Counter()
        await #expect(throws: Refused.self) {
            try await database.write { connection in
                calls.increment()
                try connection.run("UPDATE counter SET value = value + 1 WHERE id = 1")
                throw Refused()
            }
        }
        #expect(calls.value == 1)
        // Nor is a database error other than a serialization failure (a unique violation here).
        await #expect(throws: PostgresError.self) {
            try await database.write { connection in
                calls.increment()
                try connection.run("INSERT INTO counter (id, value) VALUES (1, 0)")
            }
        }
        #expect(calls.value == 2)
        let value = try await database.read {
            try $0.queryOne("SELECT value FROM counter WHERE id = 1")?.decode(0, as: Int.self)
        }
        #expect(value == 0)
    }

    @Test("writes are SERIALIZABLE by default and READ COMMITTED when asked; reads run outside a transaction")
    func isolationLevels() async throws {
        let scratch = try await Self.counterDatabase(label: "isolation")
        let database = try scratch.open(connections: 2)
        defer { database.close() }
        let serializable = try await database.write { connection in
            try connection.queryOne("SHOW transaction_isolation")?.decode(0, as: String.self)
        }
        #expect(serializable == "serializable")
        let readCommitted = try await database.write(isolation: .readCommitted) { connection in
            try connection.run("UPDATE counter SET value = value + 5 WHERE id = 1")
            return try connection.queryOne("SHOW transaction_isolation")?.decode(0, as: String.self)
        }
        #expect(readCommitted == "read committed")
        let blocking = try database.writeBlocking(isolation: .readCommitted) { connection in
            try connection.run("UPDATE counter SET value = value + 1 WHERE id = 1")
            return try connection.queryOne("SHOW transaction_isolation")?.decode(0, as: String.self)
        }
        #expect(blocking == "read committed")
        let read = try await database.read { connection in
            (connection.isInTransaction, try connection.queryOne("SELECT value FROM counter")?.decode(0, as: Int.self))
        }
        #expect(read.0 == false)
        #expect(read.1 == 6)

        // READ COMMITTED with row locks: concurrent increments do not conflict and none is lost.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<10 {
                        try await database.write(isolation: .readCommitted) { connection in
                            let value = try connection.queryOne("SELECT value FROM counter WHERE id = 1 FOR UPDATE")?
                                .decode(0, as: Int.self)
                            try connection.run("UPDATE counter SET value = ? WHERE id = 1", (value ?? 0) + 1)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await database.read {
            try $0.queryOne("SELECT value FROM counter WHERE id = 1")?.decode(0, as: Int.self)
        }
        #expect(final == 46)
    }

    @Test("the pool survives the server terminating its connections: the next read and write succeed")
    func survivesTerminatedBackends() async throws {
        let scratch = try await Self.counterDatabase(label: "terminate")
        guard case .postgres(let url) = scratch.location else { return }
        let database = try scratch.open(connections: 3)
        defer { database.close() }
        // Open every connection of the pool: three reads at once, each waiting for the others.
        let pids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await database.read { connection in
                        _ = try connection.query("SELECT pg_sleep(0.2)")
                        return try connection.queryOne("SELECT pg_backend_pid()")?.decode(0, as: Int.self) ?? 0
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(pids.count == 3)

        let killer = try PostgresConnection(url)
        defer { killer.close() }
        func terminatePool() throws -> Int {
            let terminated = try killer.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            // pg_terminate_backend only signals; wait until the backends are gone.
            for _ in 0..<200 {
                let left = try killer.queryOne(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )?[0]
                if left == .int64(0) { break }
                usleep(10_000)
            }
            return terminated.count
        }
        #expect(try terminatePool() == 3)

        // Every slot's connection is dead: reads reconnect and succeed.
        for _ in 0..<3 {
            let value = try await database.read {
                try $0.queryOne("SELECT value FROM counter WHERE id = 1")?.decode(0, as: Int.self)
            }
            #expect(value == 0)
        }

        // Again, and this time writes come first: a write whose connection died before its
        // transaction began has done nothing, and runs on a new connection.
        #expect(try terminatePool() >= 1)
        for _ in 0..<6 {
            _ = try await database.write { connection in
                try connection.run("UPDATE counter SET value = value + 1 WHERE id = 1")
            }
        }
        let value = try await database.read {
            try $0.queryOne("SELECT value FROM counter WHERE id = 1")?.decode(0, as: Int.self)
        }
        #expect(value == 6)
    }

    @Test("a wrong URL or an unreachable server fails at once with a clear message and without the password")
    func connectionErrors() throws {
        let secret = "s3cr3t-Pa55word"
        // Nothing listens on port 1.
        let unreachable = "postgres://mandate:\(secret)@127.0.0.1:1/mandate"
        let refused = #expect(throws: PostgresError.self) {
            try Database(postgresURL: unreachable, poolSize: 2, connectTimeout: .seconds(2))
        }
        #expect(refused?.reason == .connectionFailed)
        let refusedText = "\(refused.map { "\($0)" } ?? "")"
        #expect(refusedText.contains("127.0.0.1"))
        #expect(refusedText.contains("port 1"))
        #expect(!refusedText.contains(secret))

        // The right server, a database that does not exist.
        guard let serverURL = TestDatabaseEngine.postgresURL, let server = URLComponents(string: serverURL) else {
            return
        }
        let missing =
            "postgres://\(server.user ?? "mandate"):\(secret)@\(server.host ?? "127.0.0.1"):"
            + "\(server.port ?? 5432)/no_such_database_for_mandate"
        let missingError = #expect(throws: PostgresError.self) {
            try Database(postgresURL: missing, poolSize: 2)
        }
        let missingText = "\(missingError.map { "\($0)" } ?? "")"
        #expect(missingText.contains("no_such_database_for_mandate"))
        #expect(!missingText.contains(secret))

        // A malformed URL.
        let malformed = "postgres://mandate:\(secret)@127.0.0.1:notaport/mandate"
        let malformedError = #expect(throws: PostgresError.self) { try Database(postgresURL: malformed) }
        let malformedText = "\(malformedError.map { "\($0)" } ?? "")"
        #expect(!malformedText.contains(secret))
        #expect(malformedError?.reason == .connectionFailed)

        // And the location, as logged, hides it too.
        #expect(DatabaseLocation(unreachable).description == "postgres://mandate:***@127.0.0.1:1/mandate")
        #expect(!DatabaseLocation(missing).description.contains(secret))
    }

    @Test("a closed database refuses work instead of hanging")
    func closed() async throws {
        let scratch = try await Self.counterDatabase(label: "closed")
        let database = try scratch.open(connections: 2)
        database.close()
        #expect(database.isClosed)
        await #expect(throws: StorageError.self) { try await database.read { _ in 1 } }
        #expect(throws: StorageError.self) { try database.writeBlocking { _ in 1 } }
    }
}
