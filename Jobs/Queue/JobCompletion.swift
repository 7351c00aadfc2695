public import Foundation

/// How a worker resolves one claimed job, written back by ``JobQueue/complete(_:handlers:)``.
public struct JobCompletion: Sendable, Hashable {
    /// The new state of the job.
    public enum Resolution: Sendable, Hashable {
        /// `succeeded`.
        case succeeded
        /// Back to `queued`, not before `at`, keeping `error`.
        case retry(at: Date, error: String)
        /// `dead`, with its reason and error.
        case dead(reason: DeadReason, error: String)
        /// Back to `queued` at once, the attempt not counted: the worker is shutting down and
        /// gives the job back instead of letting its lease run out.
        case release
    }

    /// The job as it was claimed (its id, attempt and owner fence the update).
    public var job: ClaimedJob
    /// What happens to it.
    public var resolution: Resolution

    /// Creates a completion.
    public init(job: ClaimedJob, resolution: Resolution) {
        self.job = job
        self.resolution = resolution
    }
}
