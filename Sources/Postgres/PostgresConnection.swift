import CLibPQ
import Glibc

/// One PostgreSQL connection (`PGconn*`), closed by ``close()`` or in `deinit`.
///
/// Not `Sendable`, and every call blocks its thread until the server answers: libpq connections
/// must not be used by two threads at once, and a blocking call must not sit on a cooperative-pool
/// thread for long. Confine each connection to one thread (or to one task that runs nothing else
/// meanwhile), as the SQLite module does with its connections. Two connections are independent and
/// may be used from two threads at the same time.
///
/// The connection speaks UTF-8 (`client_encoding` is forced), names itself `mandate` in
/// `pg_stat_activity` unless the connection string sets `application_name`, and drops server
/// notices (`NOTICE: … skipping`) instead of printing them to standard error.
public final class PostgresConnection {
    /// The `PGconn*`; `nil` after ``close()``.
    var handle: OpaquePointer?
    /// Host, port, database and role, for messages; never the password.
    public let target: String
    /// Server-side prepared statements by SQL text and parameter types (see
    /// ``usesPreparedStatements``), named `mandate_1`, `mandate_2`, …
    var preparedStatements: [String: String] = [:]
    /// Whether queries with parameters are prepared once per connection and then executed by name,
    /// which spares the server parsing and planning the same statement again. On by default.
    public var usesPreparedStatements = true
    /// Upper bound of prepared statements per connection; past it they are all deallocated, so SQL
    /// built at run time cannot grow the server's memory without limit.
    static let preparedStatementCapacity = 256

    /// Connects to the server named by `connectionString`.
    ///
    /// - Parameters:
    ///   - connectionString: a URL (`postgres://user[:password]@host[:port]/database?sslmode=…`)
    ///     or libpq `key=value` pairs (<https://www.postgresql.org/docs/current/libpq-connect.html>).
    ///   - connectTimeout: how long to wait for the server when the string sets no
    ///     `connect_timeout`; libpq rounds it up to whole seconds, at least 2.
    /// - Throws: ``PostgresError`` with reason ``PostgresError/Reason/connectionFailed`` when the
    ///   string is malformed or the server cannot be reached or refuses the connection. The message
    ///   names host, port, database and role, and never the password.
    public init(_ connectionString: String, connectTimeout: Duration = .seconds(5)) throws(PostgresError) {
        let target = try ConnectionTarget(parsing: connectionString)
        // Keywords are processed in order and later ones win: the string may override the timeout
        // and the application name, but not the encoding the decoder relies on.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = [String(Self.wholeSeconds(connectTimeout)), "mandate", connectionString, "UTF8"]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { Self.errorMessage(of: $0) } ?? "out of memory"
            PQfinish(connection)
            throw PostgresError(
                reason: .connectionFailed,
                message: "cannot connect to PostgreSQL (\(target.description)): \(target.redacting(reason))")
        }
        self.handle = connection
        self.target = target.description
        // Notices are informational (e.g. "relation … already exists, skipping"); libpq's default
        // receiver prints them to standard error.
        PQsetNoticeReceiver(connection, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    /// Closes the connection now; later calls throw ``PostgresError/Reason/misuse``. Idempotent.
    public func close() {
        PQfinish(handle)
        handle = nil
        preparedStatements.removeAll()
    }

    /// Whether the connection is open and healthy (false after ``close()`` or a lost connection).
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether a transaction is open, including one aborted by an error and awaiting `ROLLBACK`.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The server's version as a number, e.g. 150018 for 15.18 (0 when closed).
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// Runs `sql`, which may hold several statements separated by semicolons, without parameters.
    /// Meant for schema scripts; rows are discarded. Unless a transaction is already open, the
    /// statements of one script run in one implicit transaction: all or nothing.
    public func execute(_ sql: String) throws(PostgresError) {
        let handle = try openHandle(sql: sql)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try checked(result, sql: sql)
    }

    /// The handle, or a misuse error after ``close()``.
    func openHandle(sql: String?) throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw .misuse("the connection is closed", sql: sql) }
        return handle
    }

    /// `result` when it reports success; otherwise throws. `result` may be `nil` (libpq could not
    /// send the statement); the caller still owns it and must `PQclear` it.
    @discardableResult
    func checked(_ result: OpaquePointer?, sql: String) throws(PostgresError) -> OpaquePointer {
        guard let result else {
            throw failure(result: nil, sql: sql)
        }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
            return result
        }
        if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
            throw .misuse("COPY is not supported by this module", sql: sql)
        }
        throw failure(result: result, sql: sql)
    }

    /// The error for a failed call: the server's fields when it sent an error, and
    /// ``PostgresError/Reason/connectionLost`` whenever the connection is now broken (a terminated
    /// backend sends `57P01` and hangs up: the code is kept, but the connection is what matters).
    private func failure(result: OpaquePointer?, sql: String) -> PostgresError {
        guard let handle else { return .misuse("the connection is closed", sql: sql) }
        let isBroken = PQstatus(handle) != CONNECTION_OK
        if let result, let code = Self.field(result, DiagnosticField.sqlState) {
            let message = Self.field(result, DiagnosticField.primaryMessage) ?? Self.resultMessage(result)
            return PostgresError(
                reason: isBroken ? .connectionLost : .server, sqlState: SQLState(rawValue: code),
                message: isBroken ? "lost the connection (\(target)): \(message)" : message,
                detail: Self.field(result, DiagnosticField.detail),
                constraintName: Self.field(result, DiagnosticField.constraintName), sql: sql)
        }
        let message = result.map(Self.resultMessage) ?? Self.errorMessage(of: handle)
        if isBroken {
            return PostgresError(
                reason: .connectionLost, message: "lost the connection (\(target)): \(message)", sql: sql)
        }
        return PostgresError(reason: .server, message: message, sql: sql)
    }

    private static func field(_ result: OpaquePointer, _ code: UInt8) -> String? {
        PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
    }

    private static func resultMessage(_ result: OpaquePointer) -> String {
        trimmed(PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error")
    }

    private static func errorMessage(of connection: OpaquePointer) -> String {
        trimmed(PQerrorMessage(connection).map { String(cString: $0) } ?? "unknown error")
    }

    /// libpq messages end with a newline and may span lines; one line reads better in logs.
    private static func trimmed(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }.joined(separator: " ")
    }

    /// `duration` in whole seconds, rounded up, at least 1.
    private static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, attoseconds > 0 ? seconds + 1 : seconds)
    }

    /// Calls `body` with a NUL-terminated C string per element, valid only during the call, and a
    /// trailing `NULL` as libpq's keyword arrays require.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { UnsafePointer($0) } + [nil])
    }
}

// Confined to one thread at a time (see the type's documentation): never Sendable, not even
// @unchecked.
@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// Error fields of `PQresultErrorField`. postgres_ext.h defines them as character literals, which
/// Swift does not import (<https://www.postgresql.org/docs/current/protocol-error-fields.html>).
enum DiagnosticField {
    static let sqlState = UInt8(ascii: "C")
    static let primaryMessage = UInt8(ascii: "M")
    static let detail = UInt8(ascii: "D")
    static let constraintName = UInt8(ascii: "n")
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
