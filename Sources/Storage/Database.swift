public import SQLite

/// The application's database, SQLite or PostgreSQL, behind one interface: ``read(_:)`` runs a
/// body on a connection outside any transaction, ``write(_:_:)`` runs it in a transaction that
/// commits as a whole or not at all.
///
/// - SQLite (``init(path:readerCount:busyTimeout:)``): one writer and several readers on
///   dedicated threads, writes one at a time with group commit (see ``SQLiteDatabase``).
/// - PostgreSQL (``init(postgresURL:poolSize:connectTimeout:)``): a pool of connections, writes
///   `SERIALIZABLE` by default and retried on serialization failures (see ``WriteIsolation``), so
///   a body may assume, as on SQLite, that no other write interleaves with it.
public final class Database: Sendable {
    enum Engine: Sendable {
        case sqlite(SQLiteDatabase)
        case postgres(PostgresPool)
    }

    let engine: Engine
    /// Where the data lives.
    public let location: DatabaseLocation

    /// Opens (creating it if needed) the SQLite database file at `path`.
    public init(path: String, readerCount: Int = 4, busyTimeout: Duration = .seconds(5)) throws {
        engine = .sqlite(try SQLiteDatabase(path: path, readerCount: readerCount, busyTimeout: busyTimeout))
        location = .sqlite(path: path)
    }

    /// Connects to the PostgreSQL database at `url` with up to `poolSize` connections (one is
    /// opened now, to report a bad URL or an unreachable server at once).
    public init(postgresURL url: String, poolSize: Int = 8, connectTimeout: Duration = .seconds(5)) throws {
        engine = .postgres(try PostgresPool(url: url, size: poolSize, connectTimeout: connectTimeout))
        location = .postgres(url: url)
    }

    /// Opens `location`: `connections` is the number of SQLite readers or PostgreSQL connections.
    public static func open(_ location: DatabaseLocation, connections: Int) throws -> Database {
        switch location {
        case .sqlite(let path): try Database(path: path, readerCount: connections)
        case .postgres(let url): try Database(postgresURL: url, poolSize: connections)
        }
    }

    deinit {
        close()
    }

    /// The SQL dialect of the engine.
    public var dialect: SQLDialect {
        switch engine {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The SQLite database, for SQLite-only tools and tests; nil on PostgreSQL.
    public var sqliteDatabase: SQLiteDatabase? {
        if case .sqlite(let database) = engine { return database }
        return nil
    }

    /// The file path, or the URL without its password.
    public var path: String { location.description }

    /// Runs `body` outside a transaction (each statement sees the last committed state).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let database): try await database.read { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try await pool.perform(.read, body)
        }
    }

    /// Runs `body` in a write transaction; if it throws, everything it did is rolled back and its
    /// error rethrown. On PostgreSQL the body may run more than once (see ``WriteIsolation``).
    public func write<T: Sendable>(
        isolation: WriteIsolation = .serializable, _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        switch engine {
        case .sqlite(let database): try await database.write { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try await pool.perform(.write(isolation), body)
        }
    }

    /// Runs `body` without a transaction, for work that manages its own (the ``Migrator``).
    public func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
        async throws -> T
    {
        switch engine {
        case .sqlite(let database): try await database.writeWithoutTransaction { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try await pool.perform(.withoutTransaction, body)
        }
    }

    /// ``read(_:)`` for synchronous callers (command-line tools): blocks the calling thread.
    public func readBlocking<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let database): try database.readBlocking { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try pool.performBlocking(.read, body)
        }
    }

    /// ``write(_:_:)`` for synchronous callers: blocks the calling thread.
    public func writeBlocking<T: Sendable>(
        isolation: WriteIsolation = .serializable, _ body: @escaping @Sendable (Connection) throws -> T
    ) throws -> T {
        switch engine {
        case .sqlite(let database): try database.writeBlocking { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try pool.performBlocking(.write(isolation), body)
        }
    }

    /// ``writeWithoutTransaction(_:)`` for synchronous callers: blocks the calling thread.
    public func writeWithoutTransactionBlocking<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
        throws -> T
    {
        switch engine {
        case .sqlite(let database):
            try database.writeWithoutTransactionBlocking { try body(Connection(sqlite: $0)) }
        case .postgres(let pool): try pool.performBlocking(.withoutTransaction, body)
        }
    }

    /// Finishes queued work and closes every connection. Later calls throw.
    public func close() {
        switch engine {
        case .sqlite(let database): database.close()
        case .postgres(let pool): pool.close()
        }
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool {
        switch engine {
        case .sqlite(let database): database.isClosed
        case .postgres(let pool): pool.isClosed
        }
    }
}
