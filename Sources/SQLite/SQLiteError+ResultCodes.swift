import CSQLite

/// Extended result codes. sqlite3.h defines them as `(SQLITE_CONSTRAINT | (8<<8))`, which Swift
/// cannot import, so they are re-expressed here (<https://www.sqlite.org/rescode.html>).
enum ExtendedResultCode {
    static let constraintCheck: Int32 = SQLITE_CONSTRAINT | (1 << 8)
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintNotNull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
}

extension SQLiteError {
    /// An error reported by SQLite. Reads `sqlite3_errmsg` from `connection`, so it must be created
    /// right after the failing call, before any other call on that connection.
    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        let text: String
        if let connection, let pointer = sqlite3_errmsg(connection) {
            text = String(cString: pointer)
        } else if let pointer = sqlite3_errstr(code) {
            text = String(cString: pointer)
        } else {
            text = "SQLite error \(code)"
        }
        self.init(reason: Self.reason(forExtendedCode: code), extendedResultCode: code, message: text, sql: sql)
    }

    /// Maps an (extended) result code to a ``Reason``.
    static func reason(forExtendedCode code: Int32) -> Reason {
        switch code & 0xFF {
        case SQLITE_BUSY: return .busy
        case SQLITE_LOCKED: return .locked
        case SQLITE_CONSTRAINT:
            switch code {
            case ExtendedResultCode.constraintUnique: return .constraint(kind: .unique)
            case ExtendedResultCode.constraintForeignKey: return .constraint(kind: .foreignKey)
            case ExtendedResultCode.constraintNotNull: return .constraint(kind: .notNull)
            case ExtendedResultCode.constraintCheck: return .constraint(kind: .check)
            case ExtendedResultCode.constraintPrimaryKey: return .constraint(kind: .primaryKey)
            default: return .constraint(kind: .other)
            }
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt
        case SQLITE_READONLY: return .readOnly
        case SQLITE_CANTOPEN: return .cantOpen
        case SQLITE_FULL: return .full
        case SQLITE_IOERR: return .ioError
        case SQLITE_MISUSE, SQLITE_RANGE: return .misuse
        default: return .other
        }
    }

    /// API misuse detected by this module (`SQLITE_MISUSE`).
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(reason: .misuse, extendedResultCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// A column value that does not fit the requested type (`SQLITE_MISMATCH`).
    static func decoding(_ message: String, sql: String?) -> SQLiteError {
        SQLiteError(reason: .decoding, extendedResultCode: SQLITE_MISMATCH, message: message, sql: sql)
    }

    /// A call on a closed ``SQLiteDatabase`` (`SQLITE_MISUSE`).
    static func closed(path: String) -> SQLiteError {
        SQLiteError(
            reason: .closed, extendedResultCode: SQLITE_MISUSE,
            message: "the database at '\(path)' is closed")
    }

    /// A migration problem. Keeps the codes and SQL of an underlying ``SQLiteError``.
    static func migration(_ message: String, underlying: (any Error)? = nil) -> SQLiteError {
        guard let underlying else {
            return SQLiteError(reason: .migration, extendedResultCode: SQLITE_ERROR, message: message)
        }
        if let sqliteError = underlying as? SQLiteError {
            return SQLiteError(
                reason: .migration, extendedResultCode: sqliteError.extendedResultCode,
                message: "\(message): \(sqliteError.message)", sql: sqliteError.sql)
        }
        return SQLiteError(
            reason: .migration, extendedResultCode: SQLITE_ERROR, message: "\(message): \(underlying)")
    }

    /// The same error with `prefix` prepended to its message.
    func prefixingMessage(_ prefix: String) -> SQLiteError {
        SQLiteError(reason: reason, extendedResultCode: extendedResultCode, message: prefix + message, sql: sql)
    }
}
