/// The single error type of the job engine: queue, workers, scheduler and delivery set-up.
///
/// `reason` is for code, `message` for people and logs. Messages never contain job payloads
/// (an SMS payload carries a one-time code in clear).
public struct JobQueueError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable classification of a failure.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// No job has this id.
        case notFound
        /// The job is not in a state that allows the operation (e.g. retrying a queued job).
        case invalidState
        /// A payload could not be decoded into the handler's type.
        case invalidPayload
        /// A configuration value is unusable (a URL that is not http/https, a concurrency of 0).
        case invalidConfiguration
        /// The database failed; `message` carries SQLite's words.
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

    /// `"JobQueueError(<reason>): <message>"`, for logs.
    public var description: String {
        "JobQueueError(\(reason.rawValue)): \(message)"
    }

    /// Keeps a ``JobQueueError`` as it is and wraps anything else (SQLite, outbox) as `storage`.
    static func wrapping(_ error: any Error, while action: String) -> JobQueueError {
        if let error = error as? JobQueueError { return error }
        return JobQueueError(.storage, "\(action): \(error)")
    }
}
