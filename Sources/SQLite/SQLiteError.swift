/// The single error type of the SQLite module.
///
/// `reason` is machine-readable; `message` is for humans (for errors reported by SQLite it is
/// `sqlite3_errmsg`, e.g. `UNIQUE constraint failed: users.email`). Result codes follow
/// <https://www.sqlite.org/rescode.html>: `resultCode` is the primary code (low 8 bits),
/// `extendedResultCode` the full extended code. Errors raised by this module itself use
/// `SQLITE_MISMATCH` (20) for decoding failures, `SQLITE_MISUSE` (21) for API misuse and use after
/// close, and `SQLITE_ERROR` (1) for migration bookkeeping problems.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// Which kind of constraint a `SQLITE_CONSTRAINT` error violated.
    public enum ConstraintKind: Sendable, Hashable {
        /// A `UNIQUE` constraint or unique index (`SQLITE_CONSTRAINT_UNIQUE`).
        case unique
        /// A `FOREIGN KEY` constraint (`SQLITE_CONSTRAINT_FOREIGNKEY`); needs `foreign_keys=ON`.
        case foreignKey
        /// A `NOT NULL` constraint (`SQLITE_CONSTRAINT_NOTNULL`).
        case notNull
        /// A `CHECK` constraint (`SQLITE_CONSTRAINT_CHECK`).
        case check
        /// A `PRIMARY KEY` constraint (`SQLITE_CONSTRAINT_PRIMARYKEY`).
        case primaryKey
        /// Any other constraint (triggers, rowid, datatype of STRICT tables, ...).
        case other
    }

    /// The machine-readable category of an error.
    public enum Reason: Sendable, Hashable {
        /// The database file is locked by another connection and the busy timeout expired.
        case busy
        /// A table is locked by another statement of the same connection (shared cache, DROP).
        case locked
        /// A constraint was violated.
        case constraint(kind: ConstraintKind)
        /// The database file is malformed or is not a database.
        case corrupt
        /// A write was attempted on a read-only connection or file.
        case readOnly
        /// The database file (or its directory, journal or WAL) cannot be opened or created.
        case cantOpen
        /// The disk is full.
        case full
        /// An operating-system level I/O error.
        case ioError
        /// The API was used incorrectly (wrong parameter count, unknown parameter name, ...).
        case misuse
        /// A column value could not be decoded into the requested Swift type.
        case decoding
        /// A migration failed, or the recorded migrations do not match this binary.
        case migration
        /// The ``SQLiteDatabase`` was closed before the call.
        case closed
        /// Anything else (SQL syntax errors, `SQLITE_ERROR`, out of memory, ...).
        case other
    }

    /// The machine-readable category.
    public let reason: Reason
    /// The primary SQLite result code (the low 8 bits of `extendedResultCode`).
    public let resultCode: Int32
    /// The extended SQLite result code, e.g. 2067 for `SQLITE_CONSTRAINT_UNIQUE`.
    public let extendedResultCode: Int32
    /// A human-readable explanation.
    public let message: String
    /// The SQL that failed, when there was one.
    public let sql: String?

    /// Creates an error. The primary result code is derived from `extendedResultCode`.
    public init(reason: Reason, extendedResultCode: Int32, message: String, sql: String? = nil) {
        self.reason = reason
        self.resultCode = extendedResultCode & 0xFF
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// `SQLiteError(<reason>, code <extended>): <message> [SQL: <sql>]`.
    public var description: String {
        var text = "SQLiteError(\(reason), code \(extendedResultCode)): \(message)"
        if let sql {
            text += " [SQL: \(sql)]"
        }
        return text
    }

    /// True for `UNIQUE` and `PRIMARY KEY` violations: both mean "this key already exists".
    public var isUniqueConstraintViolation: Bool {
        reason == .constraint(kind: .unique) || reason == .constraint(kind: .primaryKey)
    }

    /// True for `FOREIGN KEY` violations.
    public var isForeignKeyViolation: Bool { reason == .constraint(kind: .foreignKey) }

    /// True for `NOT NULL` violations.
    public var isNotNullViolation: Bool { reason == .constraint(kind: .notNull) }

    /// True for `CHECK` violations.
    public var isCheckViolation: Bool { reason == .constraint(kind: .check) }

    /// True for any constraint violation.
    public var isConstraintViolation: Bool {
        if case .constraint = reason { return true }
        return false
    }

    /// True when the database was busy or locked (worth retrying later).
    public var isBusy: Bool { reason == .busy || reason == .locked }
}
