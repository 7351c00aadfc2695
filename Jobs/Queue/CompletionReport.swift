/// What one batch of completions did.
public struct CompletionReport: Sendable {
    /// For each completion, in order: whether it was applied. `false` means the job's lease had
    /// been lost (it expired and another worker claimed the job), so the result was dropped.
    public var applied: [Bool] = []
    /// Errors thrown by handlers' ``JobFinishObserver/jobDidFinish(_:on:now:)``, for the log.
    public var hookErrors: [String] = []
}
