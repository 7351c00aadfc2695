import Foundation
import HTTPServer
import Lifecycle
import MandateCore

/// `GET /api/v1/audit-events` with filters and cursor pagination, newest first.
struct AuditRoutes: Sendable {
    let services: APIServices

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/audit-events") { [services] request, context in
            let parameters = request.queryParameters
            var query = AuditLog.Query()
            query.action = parameters["action"]
            query.actorID = parameters["actorId"]
            query.targetID = parameters["targetId"]
            if let outcome = parameters["outcome"] {
                guard let value = AuditEvent.Outcome(rawValue: outcome) else {
                    throw HTTPError.unprocessable("outcome must be one of success, failure, denied.")
                }
                query.outcome = value
            }
            query.since = try parameters["since"].map { raw throws(HTTPError) in try time(raw, "since") }
            query.until = try parameters["until"].map { raw throws(HTTPError) in try time(raw, "until") }
            query.limit = try request.integerQuery("limit", default: 50, range: 1...200)
            let page = try await services.audit.events(
                try context.requirePrincipal(), query: query, cursor: parameters["cursor"])
            return .json(PageJSON(data: page.events.map(AuditEventJSON.init), nextCursor: page.nextCursor))
        }
    }
}

private func time(_ raw: String, _ name: String) throws(HTTPError) -> Date {
    guard let date = Timestamp.parse(raw) else {
        throw HTTPError.unprocessable("\(name) must be an RFC 3339 time such as 2026-11-01T00:00:00Z.")
    }
    return date
}
