/// Running single statements with parameters built at run time: an array of positional values,
/// or a dictionary of named ones (keys with or without the `:`, `@` or `$` prefix).
extension SQLiteConnection {
    /// Runs one statement with positional parameters from an array; returns rows changed.
    @discardableResult
    public func run(_ sql: String, parameters: [any SQLBindable]) throws(SQLiteError) -> Int {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(parameters: parameters)
        return try runToCompletion(statement)
    }

    /// Runs one statement with named parameters (`:name`); returns rows changed.
    @discardableResult
    public func run(_ sql: String, named parameters: [String: any SQLBindable]) throws(SQLiteError) -> Int {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(named: parameters)
        return try runToCompletion(statement)
    }

    /// Runs one query with positional parameters from an array and returns all its rows.
    public func query(_ sql: String, parameters: [any SQLBindable]) throws(SQLiteError) -> [Row] {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(parameters: parameters)
        return try allRows(of: statement)
    }

    /// Runs one query with named parameters and returns all its rows.
    public func query(_ sql: String, named parameters: [String: any SQLBindable]) throws(SQLiteError) -> [Row] {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(named: parameters)
        return try allRows(of: statement)
    }

    /// Runs one query with positional parameters from an array and returns its first row.
    public func queryOne(_ sql: String, parameters: [any SQLBindable]) throws(SQLiteError) -> Row? {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(parameters: parameters)
        return try firstRow(of: statement)
    }

    /// Runs one query with named parameters and returns its first row.
    public func queryOne(_ sql: String, named parameters: [String: any SQLBindable]) throws(SQLiteError) -> Row? {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(named: parameters)
        return try firstRow(of: statement)
    }

    /// Runs one query with positional parameters from an array, calling `body` for each row.
    public func forEachRow(_ sql: String, parameters: [any SQLBindable], body: (Row) throws -> Void) throws {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(parameters: parameters)
        try forEachRow(of: statement, body)
    }

    /// Runs one query with named parameters, calling `body` for each row.
    public func forEachRow(_ sql: String, named parameters: [String: any SQLBindable], body: (Row) throws -> Void)
        throws
    {
        let statement = try statementForExecution(sql)
        defer { finishExecution(of: statement) }
        try statement.bind(named: parameters)
        try forEachRow(of: statement, body)
    }
}
