/// What one claim did: the jobs now leased to the caller, and the housekeeping done on the way.
public struct ClaimBatch: Sendable {
    /// The claimed jobs, in priority order.
    public var jobs: [ClaimedJob] = []
    /// Queued jobs dead-lettered because their deadline had passed.
    public var expired: [FinishedJob] = []
    /// Running jobs whose lease expired on their last attempt, dead-lettered.
    public var exhausted: [FinishedJob] = []
    /// Running jobs whose lease expired, put back in the queue (their worker probably died).
    public var reclaimedCount = 0
    /// Errors thrown by handlers' ``JobFinishObserver/jobDidFinish(_:on:now:)``, for the log.
    public var hookErrors: [String] = []
}
