/// A job that reached a final state, handed to its handler's
/// ``JobFinishObserver/jobDidFinish(_:on:now:)`` inside the transaction that finished it.
public struct FinishedJob: Sendable, Hashable {
    /// The row id.
    public var id: Int64
    /// The kind.
    public var kind: String
    /// `succeeded` or `dead`.
    public var state: JobState
    /// Why it died, when it did.
    public var deadReason: DeadReason?
    /// The last error, when there was one.
    public var error: String?
}
