import CSQLite

/// A prepared SQL statement (`sqlite3_stmt`), finalized in `deinit`.
///
/// Not `Sendable`: it belongs to its ``SQLiteConnection`` and must be used on that connection's thread.
/// Most code never sees one: ``SQLiteConnection`` prepares, caches, binds, steps and resets statements
/// itself. ``SQLiteConnection/prepare(_:)`` hands out uncached statements for manual stepping.
public final class Statement {
    /// The `sqlite3_stmt*`.
    let handle: OpaquePointer
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// Set while the connection executes this (cached) statement, so that re-entrant use of the
    /// same SQL, e.g. from a `forEachRow` body, gets a fresh statement instead of resetting this one.
    var isExecuting = false
    /// Column names, built on the first row and rebuilt when SQLite re-prepares the statement
    /// after a schema change (the column list of `SELECT *` may have changed).
    private var layout: RowLayout?
    private var layoutReprepareCount: Int32 = 0

    /// Prepares the first statement of `sql`; fails if `sql` holds more than one statement.
    init(database: OpaquePointer, sql: String, persistent: Bool) throws(SQLiteError) {
        var statement: OpaquePointer?
        var extraStatement: OpaquePointer?
        var tailCode = SQLITE_OK
        // SQLITE_PREPARE_PERSISTENT tells SQLite the statement is long-lived (cached), so it
        // allocates it outside the lookaside pool (https://www.sqlite.org/c3ref/c_prepare_normalize.html).
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(database, text, -1, flags, &statement, &tail)
            // Preparing the tail yields no statement when it is only whitespace and comments, and
            // a statement or an error (e.g. a table the first statement would create) otherwise.
            if code == SQLITE_OK, let tail, tail.pointee != 0 {
                tailCode = sqlite3_prepare_v2(database, tail, -1, &extraStatement, nil)
            }
            return code
        }
        guard code == SQLITE_OK else {
            let error = SQLiteError(code: code, connection: database, sql: sql)
            sqlite3_finalize(statement)
            throw error
        }
        if extraStatement != nil || tailCode != SQLITE_OK {
            sqlite3_finalize(extraStatement)
            sqlite3_finalize(statement)
            throw .misuse("the SQL holds more than one statement; use execute(_:) for scripts", sql: sql)
        }
        guard let statement else {
            throw .misuse("the SQL holds no statement", sql: sql)
        }
        self.handle = statement
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The number of columns in the result (0 for statements that return no rows).
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The result column names.
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { column in
            sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
        }
    }

    /// The number of parameter slots (`?`, `?NNN`, `:name`, `@name`, `$name`).
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Whether the statement leaves the database unchanged (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// Runs the statement up to the next row. Returns `true` when a row is available (read it with
    /// ``row()``), `false` when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw SQLiteError(code: code, connection: sqlite3_db_handle(handle), sql: sql)
    }

    /// Rewinds the statement and clears its bindings so it can run again. Never fails: the error of
    /// a failed step has already been thrown by ``step()``, and `sqlite3_reset` merely repeats it.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The current row's value in `column` (0-based). Only valid after ``step()`` returned `true`.
    public func value(at column: Int) -> SQLValue {
        value(atColumn: Int32(truncatingIfNeeded: column))
    }

    /// Copies the current row out of the statement. Only valid after ``step()`` returned `true`.
    public func row() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(atColumn: column))
        }
        return Row(layout: currentLayout(columnCount: count), values: values)
    }

    private func value(atColumn column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // sqlite3_column_text must come before sqlite3_column_bytes (https://www.sqlite.org/c3ref/column_blob.html).
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            // Length-based, so text with embedded zero bytes survives; invalid UTF-8 becomes U+FFFD.
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes, count > 0 else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func currentLayout(columnCount: Int32) -> RowLayout {
        let reprepareCount = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let layout, reprepareCount == layoutReprepareCount, layout.names.count == Int(columnCount) {
            return layout
        }
        let fresh = RowLayout(names: columnNames, sql: sql)
        layout = fresh
        layoutReprepareCount = reprepareCount
        return fresh
    }
}
