/// Why a job was dead-lettered (the `dead_reason` column).
public enum DeadReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The handler reported a permanent failure (a 4xx, a malformed payload, a disabled endpoint).
    case failed
    /// Its `notAfter` deadline passed before it could run (an SMS code that expired).
    case expired
    /// It used up its attempts (retryable errors, or workers that died holding it).
    case exhausted
    /// No handler is registered for its kind.
    case unknownKind = "unknown_kind"
}
