/// The life of a job row: `queued` → `running` → `succeeded` or `dead`, and back to `queued` for
/// a retry, a released lease or an expired lease.
public enum JobState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for `run_at`, then for a worker.
    case queued
    /// Claimed by a worker whose lease has not expired.
    case running
    /// Done.
    case succeeded
    /// Dead-lettered; see ``DeadReason``. An operator may retry it.
    case dead
}
