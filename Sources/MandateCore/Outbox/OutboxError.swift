/// The single error type of the outbox: enqueueing jobs and recording messages.
///
/// `reason` is for code, `message` for people and logs. Messages never contain job payloads,
/// because an SMS payload carries a one-time code in clear.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable classification of a failure.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// A job description is unusable: empty kind, fewer than one attempt, a deadline before
        /// its start.
        case invalidJob
        /// A payload is not valid UTF-8 JSON, or a value could not be encoded as JSON.
        case invalidPayload
        /// A message request is unusable (empty recipient, missing subject).
        case invalidMessage
        /// The database refused the statement; `message` carries the engine's words.
        case storage
    }

    /// What went wrong, for code.
    public let reason: Reason
    /// What went wrong, for people.
    public let message: String
    /// The database's own error behind a `storage` failure, as it was thrown.
    public let underlying: (any Error)?

    /// Creates an error with a reason and a human-readable message.
    public init(_ reason: Reason, _ message: String, underlying: (any Error)? = nil) {
        self.reason = reason
        self.message = message
        self.underlying = underlying
    }

    /// `"OutboxError(<reason>): <message>"`, for logs.
    public var description: String {
        "OutboxError(\(reason.rawValue)): \(message)"
    }

    /// Wraps any error thrown by the storage layer, keeping its text and the error itself.
    static func storage(_ error: any Error, while action: String) -> OutboxError {
        OutboxError(.storage, "\(action): \(error)", underlying: error)
    }

    /// Runs `body`, a part of a database transaction, and throws the database's own error behind a
    /// `storage` failure unwrapped. The transaction must see it: on PostgreSQL a serialization
    /// failure or a deadlock is retried by ``Storage/Database/write(isolation:_:)`` only when it
    /// reaches it as the engine's error.
    public static func passingDatabaseErrors<T>(_ body: () throws(OutboxError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw error.underlying ?? error
        }
    }
}
