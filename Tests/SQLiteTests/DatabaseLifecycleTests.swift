import Foundation
import SQLite
import Testing

@Suite("SQLiteDatabase opening and closing")
struct DatabaseLifecycleTests {
    @Test("a missing directory gives cantOpen naming the path")
    func missingDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/does/not/exist/app.sqlite"
            let error = try #require(throws: SQLiteError.self) { try SQLiteDatabase(path: path) }
            #expect(error.reason == .cantOpen)
            #expect(error.message.contains(path))
        }
    }

    @Test("a path whose parent is a file gives cantOpen naming the path")
    func parentIsAFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/plain-file"
            try "not a directory".write(toFile: file, atomically: true, encoding: .utf8)
            let path = file + "/app.sqlite"
            let error = try #require(throws: SQLiteError.self) { try SQLiteDatabase(path: path) }
            #expect(error.reason == .cantOpen)
            #expect(error.message.contains(path))
        }
    }

    @Test(
        "an unwritable directory gives cantOpen naming the path",
        .enabled(if: getuid() != 0, "root ignores directory permissions"))
    func unwritableDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let locked = directory + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
            let path = locked + "/app.sqlite"
            let error = try #require(throws: SQLiteError.self) { try SQLiteDatabase(path: path) }
            #expect(error.reason == .cantOpen)
            #expect(error.message.contains(path))
        }
    }

    @Test("a file that is not a database is reported as corrupt")
    func notADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/garbage.sqlite"
            try String(repeating: "garbage ", count: 512).write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: SQLiteError.self) { try SQLiteDatabase(path: path) }
            #expect(error.reason == .corrupt)
            #expect(error.message.contains(path))
        }
    }

    @Test("readerCount below 1 is refused")
    func noReaders() async throws {
        try await withTemporaryDirectory { directory in
            let error = try #require(throws: SQLiteError.self) {
                try SQLiteDatabase(path: directory + "/a.sqlite", readerCount: 0)
            }
            #expect(error.reason == .misuse)
        }
    }

    @Test("calls after close throw a clear error; close is idempotent; the file is kept")
    func useAfterClose() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/app.sqlite"
            let database = try SQLiteDatabase(path: path, readerCount: 2)
            #expect(database.path == path)
            try await database.write { try $0.execute("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);") }
            database.close()
            database.close()
            #expect(database.isClosed)
            let readError = await #expect(throws: SQLiteError.self) { try await database.read { _ in 1 } }
            #expect(readError?.reason == .closed)
            #expect(readError?.message.contains(path) == true)
            let writeError = await #expect(throws: SQLiteError.self) { try await database.write { _ in 1 } }
            #expect(writeError?.reason == .closed)
            let blockingError = #expect(throws: SQLiteError.self) { try database.readBlocking { _ in 1 } }
            #expect(blockingError?.reason == .closed)
            let reopened = try SQLiteDatabase(path: path, readerCount: 1)
            let value = try await reopened.read { try $0.queryOne("SELECT v FROM t")?.decode(0, as: Int.self) }
            #expect(value == 1)
            reopened.close()
        }
    }

    @Test("close waits for the job in progress to finish and deliver its result")
    func closeFinishesRunningJob() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory + "/app.sqlite", readerCount: 1)
            try await database.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
            let started = DispatchSemaphore(value: 0)
            let job = Task {
                try await database.write { connection -> Int in
                    started.signal()
                    usleep(200_000)
                    return try connection.run("INSERT INTO t VALUES (1)")
                }
            }
            // Blocks only this test's own thread briefly; the job is already running.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    started.wait()
                    continuation.resume()
                }
            }
            database.close()
            #expect(try await job.value == 1)
            let check = try SQLiteConnection(path: directory + "/app.sqlite", mode: .readOnly)
            #expect(try check.queryOne("SELECT count(*) FROM t")?[0] == .integer(1))
        }
    }
}
