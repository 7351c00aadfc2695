import Foundation
import Postgres
public import SQLite

/// A database connection as the stores use it, whichever engine is behind it: run statements with
/// `?` or `:name` parameters, read ``Row``s, nest savepoints. ``dialect`` says which engine it is,
/// for the few fragments that differ (``SQLDialect``).
///
/// Not `Sendable`, like the connections it wraps: it is only valid inside the ``Database`` call
/// that handed it out, on that call's thread.
public struct Connection {
    enum Backend {
        case sqlite(SQLiteConnection)
        case postgres(PostgresSession)
    }

    let backend: Backend

    init(sqlite connection: SQLiteConnection) {
        backend = .sqlite(connection)
    }

    init(postgres session: PostgresSession) {
        backend = .postgres(session)
    }

    /// The engine's dialect.
    public var dialect: SQLDialect {
        switch backend {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The SQLite connection behind this one, for SQLite-only tools and tests; nil on PostgreSQL.
    public var sqliteConnection: SQLiteConnection? {
        if case .sqlite(let connection) = backend { return connection }
        return nil
    }

    /// Runs one statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    public func run<each Parameter: SQLBindable>(_ sql: String, _ parameters: repeat each Parameter) throws -> Int {
        switch backend {
        case .sqlite(let connection):
            return try connection.run(sql, repeat each parameters)
        case .postgres(let session):
            return try session.run(sql, positional: Self.values(repeat each parameters))
        }
    }

    /// Runs one query and returns all its rows.
    public func query<each Parameter: SQLBindable>(_ sql: String, _ parameters: repeat each Parameter) throws
        -> [Row]
    {
        switch backend {
        case .sqlite(let connection):
            return try connection.query(sql, repeat each parameters)
        case .postgres(let session):
            return try session.query(sql, positional: Self.values(repeat each parameters))
        }
    }

    /// Runs one query and returns its first row, or nil when it has none.
    public func queryOne<each Parameter: SQLBindable>(_ sql: String, _ parameters: repeat each Parameter) throws
        -> Row?
    {
        switch backend {
        case .sqlite(let connection):
            return try connection.queryOne(sql, repeat each parameters)
        case .postgres(let session):
            return try session.query(sql, positional: Self.values(repeat each parameters)).first
        }
    }

    /// Runs one query and calls `body` with each row. On SQLite rows are read one at a time;
    /// on PostgreSQL they are all read first.
    public func forEachRow<each Parameter: SQLBindable>(
        _ sql: String, _ parameters: repeat each Parameter, body: (Row) throws -> Void
    ) throws {
        switch backend {
        case .sqlite(let connection):
            try connection.forEachRow(sql, repeat each parameters, body: body)
        case .postgres(let session):
            for row in try session.query(sql, positional: Self.values(repeat each parameters)) { try body(row) }
        }
    }

    /// ``run(_:_:)`` with a parameter list built at run time.
    @discardableResult
    public func run(_ sql: String, parameters: [any SQLBindable]) throws -> Int {
        switch backend {
        case .sqlite(let connection): try connection.run(sql, parameters: parameters)
        case .postgres(let session): try session.run(sql, positional: parameters.map(\.sqlValue))
        }
    }

    /// ``query(_:_:)`` with a parameter list built at run time.
    public func query(_ sql: String, parameters: [any SQLBindable]) throws -> [Row] {
        switch backend {
        case .sqlite(let connection): try connection.query(sql, parameters: parameters)
        case .postgres(let session): try session.query(sql, positional: parameters.map(\.sqlValue))
        }
    }

    /// ``queryOne(_:_:)`` with a parameter list built at run time.
    public func queryOne(_ sql: String, parameters: [any SQLBindable]) throws -> Row? {
        try query(sql, parameters: parameters).first
    }

    /// Runs one statement with `:name` parameters (keys include the colon).
    @discardableResult
    public func run(_ sql: String, named parameters: [String: any SQLBindable]) throws -> Int {
        switch backend {
        case .sqlite(let connection): try connection.run(sql, named: parameters)
        case .postgres(let session): try session.run(sql, named: parameters)
        }
    }

    /// Runs one query with `:name` parameters (keys include the colon).
    public func query(_ sql: String, named parameters: [String: any SQLBindable]) throws -> [Row] {
        switch backend {
        case .sqlite(let connection): try connection.query(sql, named: parameters)
        case .postgres(let session): try session.query(sql, named: parameters)
        }
    }

    /// ``query(_:named:)`` returning the first row only.
    public func queryOne(_ sql: String, named parameters: [String: any SQLBindable]) throws -> Row? {
        switch backend {
        case .sqlite(let connection): try connection.queryOne(sql, named: parameters)
        case .postgres(let session): try session.query(sql, named: parameters).first
        }
    }

    /// ``forEachRow(_:_:body:)`` with `:name` parameters.
    public func forEachRow(_ sql: String, named parameters: [String: any SQLBindable], body: (Row) throws -> Void)
        throws
    {
        switch backend {
        case .sqlite(let connection): try connection.forEachRow(sql, named: parameters, body: body)
        case .postgres(let session): for row in try session.query(sql, named: parameters) { try body(row) }
        }
    }

    /// Runs a script of statements in the engine's own dialect, untranslated and without
    /// parameters: schema scripts and engine-specific maintenance.
    public func execute(_ sql: String) throws {
        switch backend {
        case .sqlite(let connection): try connection.execute(sql)
        case .postgres(let session): try session.connection.execute(sql)
        }
    }

    /// Runs `body` in a savepoint: if it throws, its work alone is undone and the error rethrown,
    /// and the enclosing transaction carries on (on PostgreSQL, too, after a failed statement).
    @discardableResult
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        switch backend {
        case .sqlite(let connection):
            return try connection.savepoint(name, body)
        case .postgres(let session):
            let identifier = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            try session.connection.execute("SAVEPOINT \(identifier)")
            let value: T
            do {
                value = try body()
            } catch {
                _ = try? session.connection.execute("ROLLBACK TO SAVEPOINT \(identifier)")
                _ = try? session.connection.execute("RELEASE SAVEPOINT \(identifier)")
                throw error
            }
            try session.connection.execute("RELEASE SAVEPOINT \(identifier)")
            return value
        }
    }

    /// Whether a transaction is open.
    public var isInTransaction: Bool {
        switch backend {
        case .sqlite(let connection): connection.isInTransaction
        case .postgres(let session): session.connection.isInTransaction
        }
    }

    private static func values<each Parameter: SQLBindable>(_ parameters: repeat each Parameter) -> [SQLValue] {
        var values: [SQLValue] = []
        repeat values.append((each parameters).sqlValue)
        return values
    }
}
