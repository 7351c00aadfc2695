import Foundation
import Lifecycle
import SQLite
import Storage

/// Reading a tenant's audit log (owners and admins).
public struct AuditService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    public struct Page: Sendable {
        public let events: [AuditEvent]
        public let nextCursor: String?
    }

    public func events(_ principal: Principal, query: AuditLog.Query, cursor: String?) async throws(CoreError) -> Page {
        try principal.requireViewOrganization()
        var query = query
        if let cursor {
            guard let id = Int64(try Cursor.decode(cursor)) else {
                throw CoreError.invalid("cursor", "The cursor is not valid; start again from the first page.")
            }
            query.beforeID = id
        }
        let pageSize = max(1, min(query.limit, 200))
        query.limit = pageSize + 1
        let tenantID = principal.tenant.id
        let filled = query
        let events = try await environment.read { connection in
            try AuditLog.events(tenantID: tenantID, matching: filled, on: connection)
        }
        let page = Array(events.prefix(pageSize))
        let next = events.count > pageSize ? page.last.map { Cursor.encode(String($0.id)) } : nil
        return Page(events: page, nextCursor: next)
    }

    /// Refuses an export of the log unless the caller sees the organization and its plan has
    /// `audit.export` (Business and Enterprise).
    public func requireExport(_ principal: Principal) throws(CoreError) {
        try principal.requireViewOrganization()
        let tenant = principal.tenant
        let entitlement = tenant.entitlement(catalog: environment.catalog, now: environment.clock.now())
        guard entitlement.features.contains(.auditExport) else {
            throw CoreError.planUpgradeRequired(
                .auditExport,
                "Your \(entitlement.effectivePlan.name) plan does not include exporting the audit log. "
                    + "Upgrade to Business or Enterprise to download it as CSV.")
        }
    }

    /// Records `audit.exported`: who downloaded how many events, with which filters.
    public func recordExport(
        _ principal: Principal, rows: Int, truncated: Bool, filters: [String: String], origin: RequestOrigin
    ) async throws(CoreError) {
        try requireExport(principal)
        var details: [String: AuditValue] = ["rows": .int(rows), "truncated": .bool(truncated)]
        for (name, value) in filters { details["filter." + name] = .string(value) }
        let event = AuditEvent(
            tenantID: principal.tenant.id, occurredAt: environment.clock.now(),
            actor: principal.auditActor(ipAddress: origin.ipAddress), action: "audit.exported", details: details)
        try await environment.write { connection in try AuditLog.record(event, on: connection) }
    }
}
