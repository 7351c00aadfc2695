/// Counts of the queue for `mandate jobs stats` and the metrics.
public struct JobQueueStats: Sendable, Hashable {
    /// Jobs per state (every state present, zero when none).
    public var countsByState: [JobState: Int]
    /// Jobs per kind and state.
    public var countsByKind: [String: [JobState: Int]]
    /// How long the most overdue queued job has been due (now − its `run_at`); nil when no
    /// queued job is due. Jobs waiting for a future retry are not "waiting" and do not count.
    public var oldestQueuedAge: Duration?

    /// Queued jobs (due or waiting for their retry time).
    public var queuedCount: Int {
        countsByState[.queued] ?? 0
    }
}
