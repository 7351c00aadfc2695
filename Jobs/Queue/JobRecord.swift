public import Foundation
import SQLite
import Storage

/// A `jobs` row as the operations commands show it.
public struct JobRecord: Sendable, Hashable {
    /// The row id.
    public var id: Int64
    /// The kind.
    public var kind: String
    /// The state.
    public var state: JobState
    /// Why it died, when it is dead.
    public var deadReason: DeadReason?
    /// Lower runs first.
    public var priority: Int
    /// Attempts made so far.
    public var attempts: Int
    /// The attempt budget.
    public var maxAttempts: Int
    /// Not before this instant.
    public var runAt: Date
    /// Never delivered at or after this instant.
    public var notAfter: Date?
    /// Who holds the lease (running jobs).
    public var leaseOwner: String?
    /// When the lease runs out (running jobs).
    public var leaseExpiresAt: Date?
    /// The idempotency key it was enqueued with.
    public var idempotencyKey: String?
    /// The tenant it acts for.
    public var tenantID: String?
    /// The last error, kept after success too (it tells why earlier attempts failed).
    public var lastError: String?
    /// When it was enqueued.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it reached `succeeded` or `dead`.
    public var finishedAt: Date?
    /// The JSON payload. It may hold a one-time code: show it to operators only.
    public var payload: String

    /// The columns ``init(row:)`` reads, in order.
    static let columns = """
        id, kind, state, dead_reason, priority, attempts, max_attempts, run_at, not_after, lease_owner, \
        lease_expires_at, idempotency_key, tenant_id, last_error, created_at, updated_at, finished_at, payload
        """

    init(row: Row) throws {
        let stateText = try row.decode(2, as: String.self)
        guard let state = JobState(rawValue: stateText) else {
            throw JobQueueError(.storage, "job row has an unknown state '\(stateText)'")
        }
        id = try row.decode(0)
        kind = try row.decode(1)
        self.state = state
        deadReason = try row.decode(3, as: String?.self).flatMap(DeadReason.init(rawValue:))
        priority = try row.decode(4)
        attempts = try row.decode(5)
        maxAttempts = try row.decode(6)
        runAt = try row.decode(7)
        notAfter = try row.decode(8)
        leaseOwner = try row.decode(9)
        leaseExpiresAt = try row.decode(10)
        idempotencyKey = try row.decode(11)
        tenantID = try row.decode(12)
        lastError = try row.decode(13)
        createdAt = try row.decode(14)
        updatedAt = try row.decode(15)
        finishedAt = try row.decode(16)
        payload = try row.decode(17)
    }
}
