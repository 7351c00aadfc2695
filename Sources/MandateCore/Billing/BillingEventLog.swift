public import Foundation
import SQLite
import Storage

/// One request to `/webhooks/billing` and what became of it (`billing_events`).
public struct BillingEventRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case applied, duplicate, stale, rejected
    }

    public var id: Int64 = 0
    public var webhookID: String?
    /// Set only for events whose signature verified and that name a known tenant.
    public var tenantID: String?
    public var type: String?
    /// The event's own `timestamp`.
    public var occurredAt: Date?
    public var receivedAt: Date
    public var outcome: Outcome
    /// Why it was rejected (`bad_signature`, `unknown_plan`, …) or what an applied one lifted.
    public var reason: String?
    public var plan: String?
    public var status: String?
    /// A sentence for people.
    public var detail: String?

    public init(
        webhookID: String?, tenantID: String?, type: String?, occurredAt: Date?, receivedAt: Date, outcome: Outcome,
        reason: String? = nil, plan: String? = nil, status: String? = nil, detail: String? = nil
    ) {
        self.webhookID = webhookID
        self.tenantID = tenantID
        self.type = type
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.reason = reason
        self.plan = plan
        self.status = status
        self.detail = detail
    }
}

/// SQL for `billing_events`, in the caller's transaction.
enum BillingEventLog {
    static func record(_ event: BillingEventRecord, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO billing_events (webhook_id, tenant_id, type, occurred_at, received_at, outcome, reason, plan,
                status, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, event.webhookID, event.tenantID, event.type, event.occurredAt, event.receivedAt,
            event.outcome.rawValue, event.reason, event.plan, event.status, event.detail)
    }

    /// The tenant's events, newest first; `tenantID` nil lists those of no tenant (refused before a
    /// tenant was known), for operators.
    static func events(tenantID: String?, limit: Int, on connection: Connection) throws -> [BillingEventRecord] {
        let columns = """
            id, webhook_id, tenant_id, type, occurred_at, received_at, outcome, reason, plan, status, detail
            """
        let rows =
            if let tenantID {
                try connection.query(
                    "SELECT \(columns) FROM billing_events WHERE tenant_id = ? ORDER BY id DESC LIMIT ?", tenantID,
                    limit)
            } else {
                try connection.query(
                    "SELECT \(columns) FROM billing_events WHERE tenant_id IS NULL ORDER BY id DESC LIMIT ?", limit)
            }
        return try rows.map { row in
            var record = BillingEventRecord(
                webhookID: try row.decode(1), tenantID: try row.decode(2), type: try row.decode(3),
                occurredAt: try row.decode(4), receivedAt: try row.decode(5),
                outcome: BillingEventRecord.Outcome(rawValue: try row.decode(6)) ?? .rejected,
                reason: try row.decode(7), plan: try row.decode(8), status: try row.decode(9),
                detail: try row.decode(10))
            record.id = try row.decode(0)
            return record
        }
    }
}
