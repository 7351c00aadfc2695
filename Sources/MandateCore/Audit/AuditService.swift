import Foundation
import SQLite

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
}
