import Foundation
import SQLite
import Synchronization

/// Runs `body` with the path of a fresh, empty temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// Runs `body` with a read-write connection to a new database file in a fresh temporary directory.
func withTemporaryConnection<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let connection = try SQLiteConnection(path: directory + "/test.sqlite", mode: .readWriteCreate)
        return try await body(connection)
    }
}

/// Runs `body` with a ``SQLiteDatabase`` on a new file in a fresh temporary directory, closed afterwards.
func withTemporaryDatabase<T>(readerCount: Int = 4, _ body: (SQLiteDatabase) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let database = try SQLiteDatabase(path: directory + "/test.sqlite", readerCount: readerCount)
        defer { database.close() }
        return try await body(database)
    }
}

/// An error type of the tests' own, to check that original errors are rethrown unchanged.
struct MarkerError: Error, Equatable {
    let label: String
}

/// The absolute path of an executable found on `PATH`, or nil.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
    }
    return nil
}

/// A boolean one task sets and another polls.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() {
        value.store(true, ordering: .releasing)
    }

    var isSet: Bool { value.load(ordering: .acquiring) }

    /// Polls until the flag is set.
    func wait() async throws {
        while !isSet {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Records which OS threads ran some code.
final class ThreadRecorder: @unchecked Sendable {
    // @unchecked: `threads` is only touched while holding `lock`. NSLock rather than Mutex so that
    // ThreadSanitizer, which sees pthread mutexes, understands the locking.
    private let lock = NSLock()
    private var threads = Set<UInt>()

    func recordCurrentThread() {
        let current = UInt(pthread_self())
        lock.withLock { _ = threads.insert(current) }
    }

    var count: Int { lock.withLock { threads.count } }
}
