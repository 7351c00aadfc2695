/// What ``MessageStore`` recorded for one message: its id and its delivery job.
public struct QueuedMessage: Sendable, Hashable {
    /// The message id (`msg_…`).
    public var messageID: String
    /// The job that will deliver it.
    public var jobID: Int64
}
