import CSQLite

/// Running single statements with positional parameters.
///
/// Parameters are a parameter pack rather than `[any SQLBindable]`, so a call such as
/// `queryOne("SELECT … WHERE id = ?", id)` allocates no array and boxes no existential. Every
/// statement comes from the per-connection cache keyed by SQL text and is reset and cleared after
/// use, whether it succeeded or failed. Use ``run(_:parameters:)`` and friends for parameter lists
/// built at run time and ``run(_:named:)`` for `:name` parameters.
extension SQLiteConnection {
    /// Runs one statement to completion and returns the number of rows it inserted, updated or
    /// deleted (0 for other statements).
    @discardableResult
    public func run<each Parameter: SQLBindable>(
        _ sql: String, _ parameters: repeat each Parameter
    ) throws(SQLiteError) -> Int {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(repeat each parameters)
        return try runToCompletion(statement)
    }

    /// Runs one query and returns all its rows.
    public func query<each Parameter: SQLBindable>(
        _ sql: String, _ parameters: repeat each Parameter
    ) throws(SQLiteError) -> [Row] {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(repeat each parameters)
        return try allRows(of: statement)
    }

    /// Runs one query and returns its first row, or `nil` when it has none. Later rows are not read.
    public func queryOne<each Parameter: SQLBindable>(
        _ sql: String, _ parameters: repeat each Parameter
    ) throws(SQLiteError) -> Row? {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(repeat each parameters)
        return try firstRow(of: statement)
    }

    /// Runs one query and calls `body` with each row as it is read, without collecting them.
    /// `body` may run other statements on this connection, even the same SQL.
    public func forEachRow<each Parameter: SQLBindable>(
        _ sql: String, _ parameters: repeat each Parameter, body: (Row) throws -> Void
    ) throws {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(repeat each parameters)
        try forEachRow(of: statement, body)
    }

    func runToCompletion(_ statement: Statement) throws(SQLiteError) -> Int {
        // sqlite3_changes64 keeps its old value across DDL and SELECT; comparing the running total
        // tells whether this statement changed anything at all.
        let totalBefore = sqlite3_total_changes64(handle)
        while try statement.step() {}
        return sqlite3_total_changes64(handle) == totalBefore ? 0 : Int(sqlite3_changes64(handle))
    }

    func allRows(of statement: Statement) throws(SQLiteError) -> [Row] {
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.row())
        }
        return rows
    }

    func firstRow(of statement: Statement) throws(SQLiteError) -> Row? {
        try statement.step() ? statement.row() : nil
    }

    func forEachRow(of statement: Statement, _ body: (Row) throws -> Void) throws {
        while try statement.step() {
            try body(statement.row())
        }
    }
}
