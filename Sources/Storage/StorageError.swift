import Postgres
import SQLite

/// A failure of this module itself (as opposed to the engines' own errors, ``SQLite/SQLiteError``
/// and ``Postgres/PostgresError``, which pass through unchanged).
public struct StorageError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let message: String
    /// The engine error behind it, if any.
    public let underlying: (any Error)?

    public init(_ message: String, underlying: (any Error)? = nil) {
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}

extension StorageError {
    /// `error` in an operator's words, for the command line: the engines' own message (with the
    /// SQLSTATE, which is what one searches for) instead of the Swift type around it, so
    /// `PostgresError(connectionFailed): cannot connect…` reads `cannot connect…`.
    public static func operatorMessage(_ error: any Error) -> String {
        switch error {
        case let error as PostgresError:
            var text = error.message
            if let detail = error.detail { text += " (\(detail))" }
            if let sqlState = error.sqlState { text += " [SQLSTATE \(sqlState.rawValue)]" }
            return text
        case let error as SQLiteError:
            return error.message
        case let error as StorageError:
            guard let underlying = error.underlying else { return error.message }
            return "\(error.message): \(operatorMessage(underlying))"
        default:
            return "\(error)"
        }
    }
}
