import Postgres
import Testing

@Suite("Transactions", .whenPostgresConfigured)
struct TransactionTests {
    struct Boom: Error, Equatable {}

    @Test("committed work stays; a throwing body rolls back and rethrows its own error")
    func commitAndRollback() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute("CREATE TABLE events (name text)")
            let value = try connection.transaction {
                try connection.run("INSERT INTO events VALUES ('kept')")
                return 7
            }
            #expect(value == 7)
            #expect(throws: Boom()) {
                try connection.transaction {
                    try connection.run("INSERT INTO events VALUES ('lost')")
                    #expect(connection.isInTransaction)
                    throw Boom()
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.query("SELECT name FROM events").map { $0[0] } == [.text("kept")])
        }
    }

    @Test("a failed statement caught inside the body still rolls back, with 25P02")
    func caughtFailure() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute("CREATE TABLE events (name text UNIQUE)")
            let error = #expect(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.run("INSERT INTO events VALUES ('a')")
                    _ = try? connection.run("INSERT INTO events VALUES ('a')")
                }
            }
            #expect(error?.sqlState == .inFailedTransaction)
            #expect(!connection.isInTransaction)
            #expect(try connection.queryOne("SELECT count(*) FROM events")?[0] == .int64(0))
        }
    }

    @Test("transactions do not nest")
    func noNesting() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let error = #expect(throws: PostgresError.self) {
                try connection.transaction { try connection.transaction {} }
            }
            #expect(error?.reason == .misuse)
            #expect(!connection.isInTransaction)
        }
    }
}

@Suite("Advisory locks", .whenPostgresConfigured)
struct AdvisoryLockTests {
    @Test("a transaction lock held by one connection is refused to another until it commits")
    func transactionLock() async throws {
        try await withTestSchema { schema in
            let holder = try schema.connect()
            let other = try schema.connect()
            let key = randomLockKey()
            try holder.transaction {
                #expect(try holder.tryAdvisoryXactLock(key: key))
                #expect(try holder.tryAdvisoryXactLock(key: key), "re-entrant for the holder")
                let otherTook = try other.transaction { try other.tryAdvisoryXactLock(key: key) }
                #expect(!otherTook)
                #expect(try other.withAdvisoryLock(key: key) { true } == nil)
            }
            let tookAfterCommit = try other.transaction { try other.tryAdvisoryXactLock(key: key) }
            #expect(tookAfterCommit)
        }
    }

    @Test("a transaction lock outside a transaction is a misuse")
    func transactionLockNeedsTransaction() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let error = #expect(throws: PostgresError.self) { try connection.tryAdvisoryXactLock(key: 1) }
            #expect(error?.reason == .misuse)
        }
    }

    @Test("a session lock is held only while the body runs, and released when it throws")
    func sessionLock() async throws {
        try await withTestSchema { schema in
            let holder = try schema.connect()
            let other = try schema.connect()
            let key = randomLockKey()
            let result = try holder.withAdvisoryLock(key: key) {
                let otherResult = try other.withAdvisoryLock(key: key) { "ran" }
                #expect(otherResult == nil)
                return "held"
            }
            #expect(result == "held")
            #expect(try other.withAdvisoryLock(key: key) { "ran" } == "ran")
            struct Boom: Error {}
            #expect(throws: Boom.self) { try holder.withAdvisoryLock(key: key) { throw Boom() } }
            #expect(try other.withAdvisoryLock(key: key) { "ran" } == "ran")
        }
    }
}

@Suite("Claiming with FOR UPDATE SKIP LOCKED", .whenPostgresConfigured)
struct SkipLockedTests {
    @Test("two connections claiming at once never claim the same row")
    func disjointClaims() async throws {
        try await withTestSchema { schema in
            let jobCount = 300
            let setup = try schema.connect()
            try setup.execute(
                """
                CREATE TABLE jobs (id int8 PRIMARY KEY, claimed_by text);
                CREATE TABLE claims (job_id int8 NOT NULL, worker text NOT NULL);
                INSERT INTO jobs (id) SELECT generate_series(1, \(jobCount));
                """)
            async let first = onThread { try Self.claimAll(schema, worker: "first") }
            async let second = onThread { try Self.claimAll(schema, worker: "second") }
            let (firstClaims, secondClaims) = try await (first, second)

            #expect(Set(firstClaims).isDisjoint(with: secondClaims))
            #expect(firstClaims.count + secondClaims.count == jobCount)
            #expect(Set(firstClaims + secondClaims) == Set(1...Int64(jobCount)))
            let totals = try setup.queryOne("SELECT count(*), count(DISTINCT job_id) FROM claims")
            #expect(totals?.values == [.int64(Int64(jobCount)), .int64(Int64(jobCount))])
        }
    }

    /// Claims a few unclaimed jobs per transaction until none are left; returns their ids.
    static func claimAll(_ schema: TestSchema, worker: String) throws -> [Int64] {
        let connection = try schema.connect()
        var claimed: [Int64] = []
        while true {
            let batch = try connection.transaction {
                let ids = try connection.query(
                    "SELECT id FROM jobs WHERE claimed_by IS NULL ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED"
                ).compactMap { $0[0].int64 }
                for id in ids {
                    try connection.run("UPDATE jobs SET claimed_by = $1 WHERE id = $2", [.text(worker), .int64(id)])
                    try connection.run("INSERT INTO claims VALUES ($1, $2)", [.int64(id), .text(worker)])
                }
                return ids
            }
            if batch.isEmpty { return claimed }
            claimed += batch
        }
    }
}
