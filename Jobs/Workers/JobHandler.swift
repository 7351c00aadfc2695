/// Runs the jobs of one kind.
///
/// `handle` is called for every attempt (delivery is at least once: a worker that dies after
/// sending but before recording the result makes the job run again), so handlers must be safe
/// to repeat, and their receivers should dedupe on a stable id (``ClaimedJob/webhookID``).
public protocol JobHandler: Sendable {
    /// The kind this handler runs, e.g. `sms.send`.
    var kind: String { get }
    /// The backoff between attempts of this kind.
    var retryPolicy: RetryPolicy { get }
    /// Performs one attempt. Must not throw: every failure is an outcome. A handler that sends
    /// something must return promptly when its task is cancelled (a shutdown past its deadline).
    func handle(_ job: ClaimedJob) async -> JobOutcome
}

extension JobHandler {
    /// ``RetryPolicy/standard``.
    public var retryPolicy: RetryPolicy { .standard }
}
