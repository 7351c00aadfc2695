/// The single error type of the Postgres module.
///
/// `reason` is machine-readable; `message` is for humans (for statements the server rejected it is
/// the server's primary message, e.g. `duplicate key value violates unique constraint "t_pkey"`).
/// Server errors also carry the five-character ``sqlState``
/// (<https://www.postgresql.org/docs/current/errcodes-appendix.html>), which is what code should
/// match on. Messages never contain the connection string's password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The machine-readable category of an error.
    public enum Reason: Sendable, Hashable {
        /// The connection string is malformed, or the server could not be reached or refused the
        /// connection (wrong host, port, database, role or authentication).
        case connectionFailed
        /// The connection broke (server restart, network failure); open a new one.
        case connectionLost
        /// The server rejected the statement; ``PostgresError/sqlState`` says why.
        case server
        /// A result column has a type that ``PostgresValue`` does not represent.
        case decoding
        /// The API was used incorrectly (a text parameter containing U+0000, too many parameters,
        /// a timestamp out of range, use after ``PostgresConnection/close()``).
        case misuse
    }

    /// The machine-readable category.
    public let reason: Reason
    /// The SQLSTATE of a server error (``Reason/server``), `nil` for other reasons.
    public let sqlState: SQLState?
    /// A human-readable explanation.
    public let message: String
    /// The server's optional detail line, e.g. `Key (email)=(a@example.com) already exists.`
    public let detail: String?
    /// The name of the violated constraint, when the server reported one.
    public let constraintName: String?
    /// The SQL that failed, when there was one.
    public let sql: String?

    /// Creates an error.
    public init(
        reason: Reason, sqlState: SQLState? = nil, message: String, detail: String? = nil,
        constraintName: String? = nil, sql: String? = nil
    ) {
        self.reason = reason
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraintName = constraintName
        self.sql = sql
    }

    /// `PostgresError(<reason>[, SQLSTATE xxxxx]): <message> [<detail>] [SQL: <sql>]`.
    public var description: String {
        var text = "PostgresError(\(reason)"
        if let sqlState { text += ", SQLSTATE \(sqlState.rawValue)" }
        text += "): \(message)"
        if let detail { text += " (\(detail))" }
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }

    /// True for `unique_violation` (23505): the key already exists.
    public var isUniqueViolation: Bool { sqlState == .uniqueViolation }

    /// True for `serialization_failure` (40001) and `deadlock_detected` (40P01): the transaction
    /// was rolled back and may succeed when run again from the start.
    public var isRetryableTransactionFailure: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    static func misuse(_ message: String, sql: String? = nil) -> Self {
        PostgresError(reason: .misuse, message: message, sql: sql)
    }

    static func decoding(_ message: String, sql: String? = nil) -> Self {
        PostgresError(reason: .decoding, message: message, sql: sql)
    }
}

/// A five-character SQLSTATE code. The constants name the codes Mandate reacts to; compare any
/// other by its raw value.
public struct SQLState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code, e.g. `23505`.
    public let rawValue: String

    /// Wraps a code.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The class: the first two characters (`23` is integrity constraint violation).
    public var errorClass: String { String(rawValue.prefix(2)) }

    public var description: String { rawValue }

    /// `23505`: a unique index or primary key already holds the key.
    public static let uniqueViolation = SQLState(rawValue: "23505")
    /// `23503`: a foreign key points nowhere, or a referenced row is still referenced.
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    /// `23502`: `NULL` in a `NOT NULL` column.
    public static let notNullViolation = SQLState(rawValue: "23502")
    /// `23514`: a `CHECK` constraint failed.
    public static let checkViolation = SQLState(rawValue: "23514")
    /// `40001`: a `SERIALIZABLE` or `REPEATABLE READ` transaction conflicted; retry it.
    public static let serializationFailure = SQLState(rawValue: "40001")
    /// `40P01`: the transaction was chosen as a deadlock victim; retry it.
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    /// `55P03`: `NOWAIT` (or `lock_timeout`) could not take a lock.
    public static let lockNotAvailable = SQLState(rawValue: "55P03")
    /// `57014`: the statement was cancelled (`statement_timeout`).
    public static let queryCanceled = SQLState(rawValue: "57014")
    /// `42P01`: no such table.
    public static let undefinedTable = SQLState(rawValue: "42P01")
    /// `42601`: SQL syntax error.
    public static let syntaxError = SQLState(rawValue: "42601")
    /// `25P02`: an earlier statement of the transaction failed; only `ROLLBACK` is accepted.
    public static let inFailedTransaction = SQLState(rawValue: "25P02")
}
