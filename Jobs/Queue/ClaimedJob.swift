public import Foundation

/// A job a worker holds under a lease: everything its handler needs.
public struct ClaimedJob: Sendable, Hashable {
    /// The row id.
    public var id: Int64
    /// The kind, which picks the handler.
    public var kind: String
    /// The UTF-8 JSON payload.
    public var payload: [UInt8]
    /// Lower runs first.
    public var priority: Int
    /// This attempt's number, from 1.
    public var attempt: Int
    /// The attempt budget.
    public var maxAttempts: Int
    /// When it became due (enqueue time, or the time its retry was scheduled for).
    public var runAt: Date
    /// Never deliver at or after this instant.
    public var notAfter: Date?
    /// The tenant the job acts for.
    public var tenantID: String?
    /// The idempotency key it was enqueued with.
    public var idempotencyKey: String?
    /// When it was enqueued (stable across retries; used as the event timestamp of webhooks).
    public var createdAt: Date
    /// Who holds the lease.
    public var leaseOwner: String
    /// When the lease runs out and another worker may take the job.
    public var leaseExpiresAt: Date

    /// Creates a claimed job by hand, e.g. to unit-test a handler.
    public init(
        id: Int64, kind: String, payload: [UInt8], priority: Int, attempt: Int, maxAttempts: Int, runAt: Date,
        notAfter: Date?, tenantID: String?, idempotencyKey: String?, createdAt: Date, leaseOwner: String,
        leaseExpiresAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.priority = priority
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.notAfter = notAfter
        self.tenantID = tenantID
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
    }

    /// A `webhook-id` that is the same for every attempt of this job: `job_<id>`.
    public var webhookID: String {
        "job_\(id)"
    }

    /// Whether the deadline has passed at `now` (a job is deliverable while `now < notAfter`).
    public func isExpired(at now: Date) -> Bool {
        guard let notAfter else { return false }
        return now >= notAfter
    }

    /// The payload decoded as `type`.
    ///
    /// - Throws: ``JobQueueError`` with reason `invalidPayload`.
    public func decodePayload<Payload: Decodable>(_ type: Payload.Type) throws(JobQueueError) -> Payload {
        do {
            return try JSONDecoder().decode(type, from: Data(payload))
        } catch {
            throw JobQueueError(
                .invalidPayload, "the payload of job \(id) ('\(kind)') is not a valid \(type): \(error)")
        }
    }
}
