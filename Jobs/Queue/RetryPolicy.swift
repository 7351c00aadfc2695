/// Exponential backoff with "full jitter" between attempts of one job kind.
///
/// After attempt `n` (1-based) the next one waits a uniformly random time in
/// `0 … min(maximumDelay, baseDelay · 2^(n-1))` (AWS Architecture Blog, "Exponential Backoff
/// and Jitter": full jitter spreads the retries of many jobs that failed together, which is
/// what a recovering gateway needs). A `Retry-After` from the server wins when it is later,
/// up to ``retryAfterLimit`` so that a broken header cannot park a job for years.
public struct RetryPolicy: Sendable, Hashable {
    /// The ceiling of the first backoff.
    public var baseDelay: Duration
    /// The largest ceiling, whatever the attempt number.
    public var maximumDelay: Duration
    /// The longest `Retry-After` honoured.
    public var retryAfterLimit: Duration

    /// Creates a policy.
    public init(baseDelay: Duration, maximumDelay: Duration, retryAfterLimit: Duration = .seconds(86_400)) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.retryAfterLimit = retryAfterLimit
    }

    /// 2 s doubling up to 10 minutes: emails and most kinds.
    public static let standard = RetryPolicy(baseDelay: .seconds(2), maximumDelay: .seconds(600))

    /// 1 s doubling up to 30 s: SMS codes are useful for 10 minutes at most.
    public static let smsCodes = RetryPolicy(baseDelay: .seconds(1), maximumDelay: .seconds(30))

    /// The upper bound of the backoff after attempt `attempt` (1-based):
    /// `min(maximumDelay, baseDelay · 2^(attempt-1))`.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        // 2^62 already exceeds any realistic cap; clamping keeps the shift defined.
        let factor = Double(UInt64(1) << UInt64(max(0, min(attempt - 1, 62))))
        let ceiling = min(maximumDelay.timeInterval, baseDelay.timeInterval * factor)
        return .seconds(max(0, ceiling))
    }

    /// A full-jitter backoff after attempt `attempt`: uniform in `0 … backoffCeiling`.
    public func backoff(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt).timeInterval
        guard ceiling > 0 else { return .zero }
        return .seconds(Double.random(in: 0...ceiling, using: &generator))
    }

    /// The wait before the next attempt: `max(backoff, retryAfter)`, the latter capped at
    /// ``retryAfterLimit``.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration?, using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let backoff = backoff(afterAttempt: attempt, using: &generator)
        guard let retryAfter else { return backoff }
        return max(backoff, min(max(retryAfter, .zero), retryAfterLimit))
    }
}
