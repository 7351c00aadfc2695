import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// The organization's audit log (owners and admins, `canViewOrganization`; members get a 403 page):
/// - `GET /admin/audit`: newest first, filtered by a GET form (``AuditFilters``), 50 a page with
///   a cursor, through `AuditService.events` (the service of `GET /api/v1/audit-events`);
/// - `GET /admin/audit/export.csv`: every matching event (up to ``exportLimit``) as CSV
///   (``AuditCSV``), with the plan feature `audit.export`; the export itself is audited
///   (`audit.exported`).
struct AuditPages: Sendable {
    static let path = "/admin/audit"
    static let exportPath = "/admin/audit/export.csv"
    static let pageSize = 50
    /// The most events one export holds: the newest ones are kept, the page says so, the
    /// response carries `X-Mandate-Export-Truncated` and the `audit.exported` event `truncated`.
    static let exportLimit = 100_000

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            let principal = try context.requirePrincipal()
            return try await logPage(request, principal: principal)
        }
        group.get(Self.exportPath) { request, context in
            let principal = try context.requirePrincipal()
            return try await export(request, principal: principal)
        }
    }

    // MARK: The log

    private func logPage(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let parameters = request.queryParameters
        let filters = AuditFilters(parameters)
        let cursor = parameters["cursor"].flatMap { $0.isEmpty ? nil : $0 }
        let tenant = principal.tenant
        let dates = PageDates(timeZone: tenant.timeZone)
        var content: [String: TemplateValue] = [
            "action": .string(filters.action), "actor": .string(filters.actor), "target": .string(filters.target),
            "from": .string(filters.from), "to": .string(filters.to), "timeZone": .string(dates.timeZoneName),
            "filtered": .bool(!filters.isEmpty),
            "actions": .list(
                AuditActionNames.areas.map { ["code": .string($0.code), "name": .string($0.name)] }
                    + AuditActionNames.all.map { ["code": .string($0.code), "name": .string($0.name)] }),
        ]
        var status = HTTPStatus.ok
        var events: [AuditEvent] = []
        do {
            if var query = try await filters.query(timeZone: tenant.timeZone, resolveUser: resolver(principal)) {
                query.limit = Self.pageSize
                let page = try await services.audit.events(principal, query: query, cursor: cursor)
                events = page.events
                if let next = page.nextCursor {
                    content["olderLink"] = .string(Self.path + filters.queryString(adding: [("cursor", next)]))
                }
            } else {
                content["notice"] = .string("Nobody in your organization has that email address.")
            }
        } catch {
            content["error"] = .string(error.message)
            status = PageEnvironment.status(for: error)
        }
        if cursor != nil { content["newestLink"] = .string(Self.path + filters.queryString()) }
        content["hasPages"] = .bool(content["newestLink"] != nil || content["olderLink"] != nil)
        content["events"] = .list(events.map { AuditEventView.row($0, dates: dates) })
        content["hasEvents"] = .bool(!events.isEmpty)
        do {
            try services.audit.requireExport(principal)
            content["exportLink"] = .string(Self.exportPath + filters.queryString())
            content["exportLimit"] = .string("100,000")
        } catch {
            content["exportHint"] = .string(error.message)
        }
        return try environment.renderer.respond(
            Page(
                template: "admin-audit", title: "Audit log", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// Finds a user of the organization by exact email (case-insensitive).
    private func resolver(_ principal: Principal) -> (String) async throws(CoreError) -> String? {
        { [services] email async throws(CoreError) -> String? in
            try await services.users.user(principal, email: email)?.id
        }
    }

    // MARK: Export

    /// Every event matching the filters, newest first, read a page (200) at a time, as CSV.
    /// A refusal (no plan feature, a bad filter) is a page with the reason and the status.
    private func export(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let filters = AuditFilters(request.queryParameters)
        let tenant = principal.tenant
        var csv = AuditCSV()
        var truncated = false
        do {
            try services.audit.requireExport(principal)
            if var query = try await filters.query(timeZone: tenant.timeZone, resolveUser: resolver(principal)) {
                query.limit = 200
                var cursor: String?
                repeat {
                    let page = try await services.audit.events(principal, query: query, cursor: cursor)
                    for event in page.events {
                        guard csv.rowCount < Self.exportLimit else {
                            truncated = true
                            break
                        }
                        csv.append(event)
                    }
                    cursor = truncated ? nil : page.nextCursor
                } while cursor != nil
            }
            try await services.audit.recordExport(
                principal, rows: csv.rowCount, truncated: truncated,
                filters: Dictionary(filters.parameters, uniquingKeysWith: { first, _ in first }), origin: request.origin
            )
        } catch {
            return try environment.renderer.respond(
                Page(
                    template: "forbidden", title: "Request refused", status: PageEnvironment.status(for: error),
                    chrome: try await environment.chrome(for: principal, mfa: nil),
                    content: ["message": .string(error.message)]),
                to: request)
        }
        let day = DisplayDates.formatter("yyyy-MM-dd", TimeZone(identifier: "UTC") ?? .current)
            .string(from: services.environment.clock.now())
        let slug = String(tenant.slug.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        var response = HTTPResponse(
            status: .ok,
            headers: HTTPHeaders([
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", "attachment; filename=\"audit-\(slug)-\(day).csv\""),
                ("Cache-Control", "no-store"),
            ]),
            body: Array(csv.text.utf8))
        if truncated {
            response.headers.add(name: "X-Mandate-Export-Truncated", value: String(Self.exportLimit))
        }
        return response
    }
}
