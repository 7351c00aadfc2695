public import Foundation

extension JobCompletion.Resolution {
    /// Turns a handler's outcome into the job's next state.
    ///
    /// - A retry after the last attempt dead-letters the job as `exhausted`, keeping the error.
    /// - A retry whose next attempt would fall at or after the job's deadline dead-letters it as
    ///   `expired` right away instead of parking it until the next claim notices.
    /// - The wait is ``RetryPolicy/delay(afterAttempt:retryAfter:using:)``: full-jitter backoff,
    ///   or the server's `Retry-After` when later.
    public static func resolving(
        _ outcome: JobOutcome, for job: ClaimedJob, policy: RetryPolicy, now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> JobCompletion.Resolution {
        switch outcome {
        case .succeeded:
            return .succeeded
        case .failed(let error):
            return .dead(reason: .failed, error: error)
        case .expired:
            return .dead(reason: .expired, error: "its deadline (not_after) passed before it could be delivered")
        case .retry(let retryAfter, let error):
            guard job.attempt < job.maxAttempts else {
                return .dead(reason: .exhausted, error: "gave up after \(job.attempt) attempt(s); last error: \(error)")
            }
            let delay = policy.delay(afterAttempt: job.attempt, retryAfter: retryAfter, using: &generator)
            let runAt = now.adding(delay)
            if let notAfter = job.notAfter, runAt >= notAfter {
                return .dead(
                    reason: .expired, error: "the next attempt would fall after its deadline; last error: \(error)")
            }
            return .retry(at: runAt, error: error)
        }
    }
}
