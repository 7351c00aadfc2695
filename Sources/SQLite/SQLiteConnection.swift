import CSQLite

/// One SQLite connection (`sqlite3*`), closed in `deinit`.
///
/// Not `Sendable`: it is opened with `SQLITE_OPEN_NOMUTEX`, so SQLite does no locking of its own
/// and the connection must be used by one thread at a time. ``SQLiteDatabase`` confines each connection
/// to a dedicated thread; direct use is for tools and tests.
///
/// Every connection runs `PRAGMA foreign_keys=ON` and has a busy timeout. Writable connections also
/// switch the file to WAL (`journal_mode=WAL`, so readers never block the writer and vice versa)
/// with `synchronous=NORMAL` (durable across application crashes; a power loss may drop the last
/// transactions but never corrupts, see <https://www.sqlite.org/pragma.html#pragma_synchronous>).
public final class SQLiteConnection {
    /// The `sqlite3*`.
    let handle: OpaquePointer
    /// The file path the connection was opened with.
    public let path: String
    /// The mode the connection was opened with.
    public let mode: OpenMode
    /// Prepared statements keyed by their SQL text.
    private var statementCache: [String: Statement] = [:]
    /// How many statements this connection has compiled so far (cached or not); a hot query that
    /// keeps raising this number is missing the statement cache.
    public private(set) var statementPreparationCount = 0

    /// Upper bound of cached statements. Past it the cache is emptied: an application with a
    /// fixed set of queries never gets there, and one that builds SQL dynamically cannot grow
    /// without limit.
    static let statementCacheCapacity = 256

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - path: a file path (`":memory:"` gives a private in-memory database).
    ///   - mode: read-only, read-write, or read-write creating the file.
    ///   - busyTimeout: how long to wait for another connection's lock before `SQLITE_BUSY`.
    /// - Throws: ``SQLiteError`` (reason ``SQLiteError/Reason/cantOpen`` when the file, or for
    ///   WAL its directory, cannot be opened); the message names `path`.
    public init(path: String, mode: OpenMode, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        LibraryConfiguration.applied
        var database: OpaquePointer?
        // NOMUTEX: each connection is confined to one thread, so SQLite's per-connection mutex is
        // pure overhead. EXRESCODE: report extended result codes (e.g. which constraint failed).
        let flags = mode.openFlags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &database, flags, nil)
        guard code == SQLITE_OK, let database else {
            var error = SQLiteError(code: code, connection: database, sql: nil)
            // sqlite3_open_v2 allocates a handle even on failure; it must be closed.
            sqlite3_close_v2(database)
            if error.reason == .cantOpen {
                error = error.prefixingMessage(
                    "cannot open database at '\(path)' (does the directory exist, and is it writable?): ")
            } else {
                error = error.prefixingMessage("cannot open database at '\(path)': ")
            }
            throw error
        }
        self.handle = database
        self.path = path
        self.mode = mode
        do {
            try configure(busyTimeout: busyTimeout)
        } catch {
            throw error.prefixingMessage("cannot set up database at '\(path)': ")
        }
    }

    deinit {
        // Statements first: sqlite3_close_v2 would otherwise keep a zombie connection alive until
        // the last statement is finalized.
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure(busyTimeout: Duration) throws(SQLiteError) {
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Self.milliseconds(busyTimeout))
        try execute("PRAGMA foreign_keys=ON")
        guard mode.isWritable else { return }
        let journalMode = try queryOne("PRAGMA journal_mode=WAL")?[0]
        let isMemory = path.isEmpty || path == ":memory:"
        guard journalMode == .text("wal") || isMemory else {
            throw SQLiteError(
                reason: .cantOpen, extendedResultCode: SQLITE_CANTOPEN,
                message: "could not switch to WAL journal mode (got \(journalMode.map { "\($0)" } ?? "nothing"));"
                    + " the directory must be writable")
        }
        try execute("PRAGMA synchronous=NORMAL")
    }

    /// `duration` in whole milliseconds, clamped to `0...Int32.max`.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return .max }
        let (total, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return sumOverflow ? .max : Int32(clamping: total)
    }

    /// Runs `sql`, which may hold several statements separated by semicolons, without parameters
    /// (`sqlite3_exec`). Meant for schema scripts and PRAGMAs; statements are not cached.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            let text = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            throw SQLiteError(
                reason: SQLiteError.reason(forExtendedCode: code), extendedResultCode: code, message: text, sql: sql)
        }
    }

    /// Compiles `sql` into a new, uncached statement for manual binding and stepping.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        statementPreparationCount += 1
        return try Statement(database: handle, sql: sql, persistent: false)
    }

    /// The rowid of the most recent successful `INSERT` on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent `INSERT`, `UPDATE` or `DELETE` (triggers excluded).
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Whether a transaction is open (the connection is not in autocommit mode).
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The number of statements currently cached.
    public var cachedStatementCount: Int { statementCache.count }

    /// A statement for `sql`, ready to bind: the cached one when it is idle, otherwise (first use,
    /// or the cached one is executing further up the stack) a newly prepared one. Callers must
    /// hand it back through ``finishExecution(of:)``.
    func statementForExecution(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statementCache[sql] {
            if !cached.isExecuting {
                cached.isExecuting = true
                return cached
            }
            return try prepare(sql)
        }
        statementPreparationCount += 1
        let statement = try Statement(database: handle, sql: sql, persistent: true)
        if statementCache.count >= Self.statementCacheCapacity {
            statementCache.removeAll(keepingCapacity: true)
        }
        statementCache[sql] = statement
        statement.isExecuting = true
        return statement
    }

    /// Resets a statement from ``statementForExecution(_:)`` (after success and after errors
    /// alike) so its next use starts clean and it releases its read snapshot.
    func finishExecution(of statement: Statement) {
        statement.reset()
        statement.isExecuting = false
    }
}
