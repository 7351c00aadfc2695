import Dispatch
import Foundation
import SQLite
import Synchronization
import Testing

/// Group commit: async writes queued behind each other share one transaction (each in its own
/// savepoint) and one COMMIT, and every caller is resumed after that COMMIT.
@Suite("SQLiteDatabase group commit")
struct GroupCommitTests {
    /// Holds the writer busy until released, so that later writes queue up behind it.
    final class Blocker: Sendable {
        let started = Flag()
        private let release = DispatchSemaphore(value: 0)

        func block(_ database: SQLiteDatabase) async throws {
            try await database.write { [self] _ in
                started.set()
                _ = release.wait(timeout: .now() + 30)
            }
        }

        func open() { release.signal() }
    }

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    /// Starts `count` writes behind a blocked writer, waits until they are all queued, releases
    /// the writer and returns their results in order.
    static func queuedWrites<T: Sendable>(
        _ database: SQLiteDatabase, count: Int, _ body: @escaping @Sendable (Int, SQLiteConnection) throws -> T
    ) async throws -> [Result<T, any Error>] {
        let blocker = Blocker()
        async let blocked: Void = blocker.block(database)
        try await blocker.started.wait()
        let submitted = Counter()
        let tasks = (0..<count).map { index in
            Task { () -> Result<T, any Error> in
                submitted.increment()
                do {
                    return .success(try await database.write { connection in try body(index, connection) })
                } catch {
                    return .failure(error)
                }
            }
        }
        while submitted.count < count { try await Task.sleep(for: .milliseconds(5)) }
        // Submitting needs no suspension after the counter, so a short pause finds them queued.
        try await Task.sleep(for: .milliseconds(100))
        blocker.open()
        try await blocked
        var results: [Result<T, any Error>] = []
        for task in tasks { results.append(await task.value) }
        return results
    }

    /// The number of frames in the WAL file (each commit writes at least one).
    static func walFrames(_ path: String) throws -> Int {
        let size = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return size <= 32 ? 0 : (size - 32) / (4096 + 24)
    }

    @Test("queued writes share one commit, and each caller sees its write committed when resumed")
    func sharedCommit() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/test.sqlite"
            let database = try SQLiteDatabase(path: path, readerCount: 2)
            defer { database.close() }
            try await database.write { try $0.execute("CREATE TABLE items (n INTEGER NOT NULL)") }
            _ = try await database.writeWithoutTransaction { try $0.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") }
            #expect(try Self.walFrames(path) == 0)

            let results = try await Self.queuedWrites(database, count: 40) { index, connection -> Int in
                try connection.run("INSERT INTO items VALUES (?)", index)
                // Each body sees the rows of the bodies before it, as after serial commits.
                return try connection.queryOne("SELECT count(*) FROM items")?.decode(0) ?? -1
            }
            let counts = try results.map { try $0.get() }
            #expect(counts == Array(1...40))
            // Forty separate commits would write at least forty frames.
            #expect(try Self.walFrames(path) < 20)
            let visible = try await database.read {
                try $0.queryOne("SELECT count(*) FROM items")?.decode(0, as: Int.self)
            }
            #expect(visible == 40)
        }
    }

    @Test("a body that throws is rolled back alone and gets its own error; the others commit")
    func failingMember() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE items (n INTEGER NOT NULL UNIQUE)") }
            let results = try await Self.queuedWrites(database, count: 10) { index, connection -> Int in
                try connection.run("INSERT INTO items VALUES (?)", index * 10)
                try connection.run("INSERT INTO items VALUES (?)", index * 10 + 1)
                if index == 4 { throw MarkerError(label: "four") }
                if index == 7 { try connection.run("INSERT INTO items VALUES (0)") }  // UNIQUE violation
                return index
            }
            for (index, result) in results.enumerated() {
                switch index {
                case 4: #expect(throws: MarkerError(label: "four")) { try result.get() }
                case 7:
                    #expect { try result.get() } throws: { ($0 as? SQLiteError)?.isUniqueConstraintViolation == true }
                default: #expect(try result.get() == index)
                }
            }
            let rows = try await database.read { connection in
                try connection.query("SELECT n FROM items ORDER BY n").map { try $0.decode(0, as: Int.self) }
            }
            var expected: [Int] = []
            for index in 0..<10 where index != 4 && index != 7 {
                expected += [index * 10, index * 10 + 1]
            }
            #expect(rows == expected)
        }
    }

    @Test("when a member ends the whole transaction, the members before it fail too; later ones commit")
    func transactionLost() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE items (n INTEGER NOT NULL)") }
            let results = try await Self.queuedWrites(database, count: 6) { index, connection -> Int in
                try connection.run("INSERT INTO items VALUES (?)", index)
                // What SQLite does by itself after some errors (SQLITE_FULL, SQLITE_IOERR).
                if index == 2 { try connection.execute("ROLLBACK") }
                return index
            }
            #expect(results.prefix(3).allSatisfy { if case .failure = $0 { true } else { false } })
            #expect(try results.dropFirst(3).map { try $0.get() } == [3, 4, 5])
            if case .failure(let error as SQLiteError) = results[0] {
                #expect(error.message.contains("group commit"))
            } else {
                Issue.record("expected an SQLiteError for the first member, got \(results[0])")
            }
            let rows = try await database.read { connection in
                try connection.query("SELECT n FROM items ORDER BY n").map { try $0.decode(0, as: Int.self) }
            }
            #expect(rows == [3, 4, 5])
        }
    }

    @Test("a write cancelled while queued is skipped; its neighbours commit")
    func cancelledMember() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE items (n INTEGER NOT NULL)") }
            let blocker = Blocker()
            async let blocked: Void = blocker.block(database)
            try await blocker.started.wait()
            let first = Task { try await database.write { try $0.run("INSERT INTO items VALUES (1)") } }
            try await Task.sleep(for: .milliseconds(50))
            let cancelled = Task { try await database.write { try $0.run("INSERT INTO items VALUES (2)") } }
            try await Task.sleep(for: .milliseconds(50))
            let last = Task { try await database.write { try $0.run("INSERT INTO items VALUES (3)") } }
            try await Task.sleep(for: .milliseconds(50))
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            blocker.open()
            try await blocked
            _ = try await first.value
            _ = try await last.value
            let rows = try await database.read { connection in
                try connection.query("SELECT n FROM items ORDER BY n").map { try $0.decode(0, as: Int.self) }
            }
            #expect(rows == [1, 3])
        }
    }

    @Test("writes of other kinds keep their place in the queue")
    func fifoWithOtherWork() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE log (n INTEGER NOT NULL)") }
            let results = try await Self.queuedWrites(database, count: 12) { index, connection -> Int in
                try connection.run("INSERT INTO log VALUES (?)", index)
                return index
            }
            #expect(try results.map { try $0.get() } == Array(0..<12))
            // A blocking write and a write without transaction queued between async writes.
            let blocker = Blocker()
            async let blocked: Void = blocker.block(database)
            try await blocker.started.wait()
            let a = Task { try await database.write { try $0.run("INSERT INTO log VALUES (100)") } }
            try await Task.sleep(for: .milliseconds(50))
            let b = Task.detached { try database.writeBlocking { try $0.run("INSERT INTO log VALUES (101)") } }
            try await Task.sleep(for: .milliseconds(50))
            let c = Task { try await database.writeWithoutTransaction { try $0.run("INSERT INTO log VALUES (102)") } }
            try await Task.sleep(for: .milliseconds(50))
            let d = Task { try await database.write { try $0.run("INSERT INTO log VALUES (103)") } }
            try await Task.sleep(for: .milliseconds(50))
            blocker.open()
            try await blocked
            for task in [a, c, d] { _ = try await task.value }
            _ = try await b.value
            let tail = try await database.read { connection in
                try connection.query("SELECT n FROM log WHERE n >= 100 ORDER BY rowid").map {
                    try $0.decode(0, as: Int.self)
                }
            }
            #expect(tail == [100, 101, 102, 103])
        }
    }
}
