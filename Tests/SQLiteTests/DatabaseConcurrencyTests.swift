import ChildProcess
import Dispatch
import Foundation
import SQLite
import Testing

@Suite("SQLiteDatabase concurrency")
struct DatabaseConcurrencyTests {
    @Test("reads keep flowing and see the committed state while a write transaction is open")
    func readsDuringWrite() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { connection in
                try connection.execute("CREATE TABLE items (name TEXT)")
                try connection.run("INSERT INTO items VALUES ('before')")
            }
            let inserted = Flag()
            let readsDone = DispatchSemaphore(value: 0)
            // The write holds its transaction open until the reads are done (or 20 s pass, which
            // would mean the reads were blocked behind it).
            async let writeTimedOut = database.write { connection -> Bool in
                try connection.run("INSERT INTO items VALUES ('during')")
                inserted.set()
                return readsDone.wait(timeout: .now() + 20) == .timedOut
            }
            try await inserted.wait()
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await database.read { try $0.queryOne("SELECT count(*) FROM items")?.decode(0) ?? -1 }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            readsDone.signal()
            #expect(counts.count == 100)
            #expect(counts.allSatisfy { $0 == 1 })
            #expect(try await writeTimedOut == false)
            let after = try await database.read {
                try $0.queryOne("SELECT count(*) FROM items")?.decode(0, as: Int.self)
            }
            #expect(after == 2)
        }
    }

    @Test("1,000 concurrent reads complete on at most readerCount threads")
    func manyConcurrentReads() async throws {
        try await withTemporaryDatabase(readerCount: 4) { database in
            try await database.write { try $0.execute("CREATE TABLE n (v INTEGER); INSERT INTO n VALUES (41);") }
            let threads = ThreadRecorder()
            let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        try await database.read { connection in
                            threads.recordCurrentThread()
                            return try connection.queryOne("SELECT v + ? FROM n", index)?.decode(0) ?? -1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(sums == 1_000 * 41 + (0..<1_000).reduce(0, +))
            #expect(threads.count <= 4)
        }
    }

    @Test("two SQLiteDatabase instances on one file write concurrently without SQLITE_BUSY")
    func twoInstancesWriting() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/shared.sqlite"
            let first = try SQLiteDatabase(path: path, readerCount: 1)
            let second = try SQLiteDatabase(path: path, readerCount: 1)
            defer {
                first.close()
                second.close()
            }
            try await first.write { connection in
                try connection.execute(
                    "CREATE TABLE events (source TEXT, n INTEGER); CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0);"
                )
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, database) in [("first", first), ("second", second)] {
                    for worker in 0..<4 {
                        group.addTask {
                            for n in 0..<50 {
                                try await database.write { connection in
                                    try connection.run("INSERT INTO events VALUES (?, ?)", "\(name)-\(worker)", n)
                                    try connection.run("UPDATE counter SET n = n + 1")
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let totals = try await second.read { connection in
                try [
                    connection.queryOne("SELECT count(*) FROM events")?.decode(0, as: Int.self),
                    connection.queryOne("SELECT n FROM counter")?.decode(0, as: Int.self),
                ]
            }
            #expect(totals == [400, 400])
        }
    }

    @Test(
        "a separate sqlite3 process writes while this process writes, without SQLITE_BUSY",
        .enabled(if: executableOnPath("sqlite3") != nil, "needs the sqlite3 command-line tool"))
    func separateProcessWriting() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/shared.sqlite"
            let database = try SQLiteDatabase(path: path, readerCount: 1)
            defer { database.close() }
            try await database.write { try $0.execute("CREATE TABLE events (source TEXT, n INTEGER)") }

            var script = ".bail on\n.timeout 10000\n"
            for n in 0..<300 {
                script += "BEGIN IMMEDIATE; INSERT INTO events VALUES ('cli', \(n)); COMMIT;\n"
            }
            let scriptPath = directory + "/writer.sql"
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let sqlite3 = try #require(executableOnPath("sqlite3"))
            // This process writes from before the sqlite3 process starts until after it exits, so
            // the two compete for the write lock during the whole run.
            let stop = Flag()
            defer { stop.set() }
            let swiftWriter = Task {
                var written = 0
                while written < 300 || !stop.isSet {
                    let n = written
                    _ = try await database.write { try $0.run("INSERT INTO events VALUES ('swift', ?)", n) }
                    written += 1
                }
                return written
            }
            let process = try ChildProcess(sqlite3, [path], input: .file(scriptPath), error: .collect)
            let status = await process.wait()
            stop.set()
            let swiftWrites = try await swiftWriter.value
            #expect(status == .exited(0), "sqlite3 failed: \(process.errorText)")
            let counts = try await database.read { connection in
                try connection.query("SELECT source, count(*) FROM events GROUP BY source ORDER BY source")
                    .map { try "\($0.decode(0, as: String.self))=\($0.decode(1, as: Int.self))" }
            }
            #expect(counts == ["cli=300", "swift=\(swiftWrites)"])
        }
    }

    @Test("a job cancelled while queued does not run and throws CancellationError")
    func cancelledBeforeStart() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE t (v TEXT)") }
            let release = DispatchSemaphore(value: 0)
            let blockerStarted = Flag()
            async let blocker: Void = database.writeWithoutTransaction { _ in
                blockerStarted.set()
                _ = release.wait(timeout: .now() + 20)
            }
            try await blockerStarted.wait()
            let queued = Task {
                try await database.write { try $0.run("INSERT INTO t VALUES ('cancelled')") }
            }
            try await Task.sleep(for: .milliseconds(50))
            queued.cancel()
            let result = await queued.result
            release.signal()
            try await blocker
            #expect(throws: CancellationError.self) { try result.get() }
            let count = try await database.read { try $0.queryOne("SELECT count(*) FROM t")?.decode(0, as: Int.self) }
            #expect(count == 0)
        }
    }

    @Test("a job that has started runs to completion even if its caller is cancelled")
    func cancelledAfterStart() async throws {
        try await withTemporaryDatabase { database in
            try await database.write { try $0.execute("CREATE TABLE t (v TEXT)") }
            let release = DispatchSemaphore(value: 0)
            let started = Flag()
            let job = Task {
                try await database.write { connection -> String in
                    try connection.run("INSERT INTO t VALUES ('kept')")
                    started.set()
                    _ = release.wait(timeout: .now() + 20)
                    return "finished"
                }
            }
            try await started.wait()
            job.cancel()
            release.signal()
            #expect(try await job.value == "finished")
            let count = try await database.read { try $0.queryOne("SELECT count(*) FROM t")?.decode(0, as: Int.self) }
            #expect(count == 1)
        }
    }

    @Test("blocking variants work from plain threads and refuse to run inside a job")
    func blockingVariants() async throws {
        try await withTemporaryDatabase { database in
            try database.writeBlocking { try $0.execute("CREATE TABLE t (v INTEGER)") }
            _ = try database.writeBlocking { try $0.run("INSERT INTO t VALUES (?)", 5) }
            let value = try database.readBlocking { try $0.queryOne("SELECT v FROM t")?.decode(0, as: Int.self) }
            #expect(value == 5)
            let nested = try await database.read { _ in
                Result { try database.readBlocking { _ in 1 } }
            }
            #expect(throws: SQLiteError.self) { try nested.get() }
        }
    }
}
