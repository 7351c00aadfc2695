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

    /// Creates an error with a reason and a human-readable message.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `"OutboxError(<reason>): <message>"`, for logs.
    public var description: String {
        "OutboxError(\(reason.rawValue)): \(message)"
    }

    /// Wraps any error thrown by the storage layer, keeping its text.
    static func storage(_ error: any Error, while action: String) -> OutboxError {
        OutboxError(.storage, "\(action): \(error)")
    }
}
