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
