/// The asynchronous front door to one SQLite database file, shared by the whole application.
///
/// It owns one writer connection and `readerCount` read-only connections, each confined to its
/// own dedicated thread with a job queue (never Swift's cooperative pool, because SQLite calls
/// block). Thanks to WAL, reads run in parallel with each other and with the one write in
/// progress, and see the last committed state.
///
/// Writes go through `BEGIN IMMEDIATE`, which takes the file's write lock up front and waits for
/// it up to the busy timeout; so several `SQLiteDatabase` instances or processes sharing the file
/// queue up behind each other instead of failing with `SQLITE_BUSY` halfway through.
///
/// Cancellation: a job cancelled while still queued is skipped and the caller gets
/// `CancellationError`; a job that has started always runs to the end (its transaction commits
/// or rolls back as a whole) and the caller gets its result.
public final class SQLiteDatabase: Sendable {
    /// The database file path.
    public let path: String
    /// The number of read-only connections (and reader threads).
    public let readerCount: Int
    private let writer: WorkerPool
    private let readers: WorkerPool

    /// Opens (creating it if needed) the database at `path` with one writer and `readerCount`
    /// reader connections, each on its own thread.
    ///
    /// - Throws: ``SQLiteError`` with reason ``SQLiteError/Reason/cantOpen`` and `path` in the
    ///   message when the file cannot be opened or created (missing or unwritable directory);
    ///   ``SQLiteError/Reason/misuse`` when `readerCount` is less than 1.
    public init(path: String, readerCount: Int = 4, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        guard readerCount >= 1 else {
            throw .misuse("a database needs at least one reader connection (readerCount is \(readerCount))")
        }
        // The writer first: it creates the file and switches it to WAL, which the read-only
        // connections cannot do.
        let writerConnection = try SQLiteConnection(path: path, mode: .readWriteCreate, busyTimeout: busyTimeout)
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            readerConnections.append(try SQLiteConnection(path: path, mode: .readOnly, busyTimeout: busyTimeout))
        }
        let writer = try WorkerPool(name: "sqlite-writer", connections: [writerConnection])
        do {
            readers = try WorkerPool(name: "sqlite-reader", connections: readerConnections)
        } catch {
            writer.close()
            throw error
        }
        self.writer = writer
        self.path = path
        self.readerCount = readerCount
    }

    deinit {
        close()
    }

    /// Runs `body` on an idle reader connection (read-only; it sees the last committed state).
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await perform(on: readers, transaction: nil, body)
    }

    /// Runs `body` on the writer connection inside `BEGIN IMMEDIATE` … `COMMIT`; if `body`
    /// throws, everything it did is rolled back and its error rethrown.
    ///
    /// Writes queued behind each other share one transaction (group commit): each body runs in
    /// its own savepoint, so it still commits or rolls back as a whole, and its caller is resumed
    /// only after the shared `COMMIT`. See ``GroupCommit``.
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await perform(on: writer, transaction: .immediate, body)
    }

    /// Runs `body` on the writer connection without opening a transaction, for work that manages
    /// its own transactions (the ``Migrator``) or cannot run inside one (some PRAGMAs, `VACUUM`).
    public func writeWithoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try await perform(on: writer, transaction: nil, body)
    }

    /// ``read(_:)`` for synchronous callers (command-line tools): blocks the calling thread.
    /// Never call it from Swift concurrency code, nor from inside another job of this database.
    public func readBlocking<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try performBlocking(on: readers, transaction: nil, body)
    }

    /// ``write(_:)`` for synchronous callers: blocks the calling thread.
    public func writeBlocking<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try performBlocking(on: writer, transaction: .immediate, body)
    }

    /// ``writeWithoutTransaction(_:)`` for synchronous callers: blocks the calling thread.
    public func writeWithoutTransactionBlocking<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) throws -> T {
        try performBlocking(on: writer, transaction: nil, body)
    }

    /// Refuses new work, lets all queued jobs finish, then stops the threads and closes the
    /// connections (blocking until done). Calls made afterwards throw ``SQLiteError`` with reason
    /// ``SQLiteError/Reason/closed``. Closing again does nothing. Also done on deinit.
    public func close() {
        // Readers first, so the writer is the last connection and SQLite checkpoints the WAL
        // into the main file when it closes.
        readers.close()
        writer.close()
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { writer.isClosed }

    private func perform<T: Sendable>(
        on pool: WorkerPool, transaction: TransactionKind?, _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        let item = AsyncWorkItem(transaction: transaction, body: body)
        return try await withTaskCancellationHandler {
            // UnsafeContinuation is sound here: AsyncWorkItem's state machine resumes it exactly
            // once (see its documentation), and every path below either arms the item or resumes.
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
                guard item.arm(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                if !pool.submit(item) {
                    item.resumeIfUnclaimed(with: .failure(SQLiteError.closed(path: path)))
                }
            }
        } onCancel: {
            item.cancel()
        }
    }

    private func performBlocking<T: Sendable>(
        on pool: WorkerPool, transaction: TransactionKind?, _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) throws -> T {
        // Waiting for our own pool from one of its threads could wait forever.
        guard !readers.isCurrentThreadWorker && !writer.isCurrentThreadWorker else {
            throw SQLiteError.misuse("a blocking database call from inside a job of the same database would deadlock")
        }
        let item = BlockingWorkItem(transaction: transaction, body: body)
        guard pool.submit(item) else {
            throw SQLiteError.closed(path: path)
        }
        return try item.waitForResult()
    }
}
