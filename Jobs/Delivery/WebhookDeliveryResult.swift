/// What one webhook attempt came to.
public enum WebhookDeliveryResult: Sendable, Hashable {
    /// A 2xx: the receiver has it.
    case delivered(status: Int)
    /// Worth another attempt: 429, 5xx, 408, a timeout, a connection failure. `after` is the
    /// server's `Retry-After`, when it sent one.
    case retry(after: Duration?, error: String)
    /// Not worth another attempt: other 4xx, 3xx, an unusable URL, a disabled endpoint.
    case failed(error: String)
    /// A 410 Gone: the endpoint was disabled and the job is dead-lettered.
    case gone(error: String)
    /// The job's deadline passed before sending; nothing was sent.
    case expired

    /// The job outcome this result implies.
    public var jobOutcome: JobOutcome {
        switch self {
        case .delivered: .succeeded
        case .retry(let after, let error): .retry(after: after, error: error)
        case .failed(let error), .gone(let error): .failed(error: error)
        case .expired: .expired
        }
    }
}
