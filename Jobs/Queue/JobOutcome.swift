/// What a handler reports for one attempt.
public enum JobOutcome: Sendable, Hashable {
    /// Done; the job succeeds.
    case succeeded
    /// A transient failure: try again after the backoff, or after `after` if that is later (a
    /// `Retry-After`). When the attempts are used up the job is dead-lettered with `error`.
    case retry(after: Duration?, error: String)
    /// A permanent failure: dead-letter the job now, keeping `error`.
    case failed(error: String)
    /// The job's deadline passed right before sending: dead-letter it as expired. Handlers that
    /// send something time-critical (SMS codes) check ``ClaimedJob/isExpired(at:)`` last thing
    /// before the network call and report this.
    case expired
}
