import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// The people of the organization (issue 8), for owners and admins (`canViewOrganization`;
/// everyone else gets a 403 page):
/// - `GET /admin/users`: the users list of `GET /api/v1/users` (`UserService.list`) as a table,
///   with its filters in a GET form and its cursor in "Next page" links;
/// - `POST /admin/users/bulk`: the bulk changes of `POST /api/v1/users/bulk`
///   (`EnforcementService.bulk`, which refuses admins without `manageUsers`), then a 303 back to
///   the same filtered list. A refusal re-renders the list with the error, the selection kept.
///
/// One page costs one listing query, the groups of the filter and, only when asked ("Count
/// matches") or when the list fits on one page, the count: counting a 100,000-user tenant takes
/// about three times the page's budget.
struct UsersPages: Sendable {
    static let path = "/admin/users"
    static let bulkPath = "/admin/users/bulk"
    /// The grace period proposed for "Require MFA".
    static let defaultEnrollmentDays = 7

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    static let daysHint = "From 1 to 365 days. Until then people may skip setting up MFA; afterwards they must."
    static let noPeriodHint =
        "Your plan does not include enrollment periods: people must set up MFA at their next sign-in."

    /// What the bulk form sent, shown again when it is refused.
    struct BulkState {
        var selected: Set<String> = []
        var action: String?
        var days: String?
        var until: String?
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            let principal = try context.requirePrincipal()
            return try await listPage(request, principal: principal, parameters: request.queryParameters)
        }
        group.post(Self.bulkPath) { request, context in
            let principal = try context.requirePrincipal()
            return try await bulk(request, principal: principal)
        }
    }

    // MARK: Bulk changes

    /// Applies the chosen action to the checked people, all or nothing.
    private func bulk(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        // A read-only admin is refused before the form is read: 403 whatever they sent.
        guard principal.canManageUsers else {
            return try await listPage(
                request, principal: principal, parameters: form, error: AdminPages.readOnlyHint, status: .forbidden)
        }
        let ids = form.values(for: "userIds").filter { !$0.isEmpty }
        let state = BulkState(
            selected: Set(ids), action: form["action"], days: form["enrollmentDays"], until: form["exemptUntil"])
        func refuse(_ message: String, status: HTTPStatus) async throws -> HTTPResponse {
            try await listPage(
                request, principal: principal, parameters: form, error: message, status: status, bulk: state)
        }
        let action: EnforcementService.BulkAction
        switch form["action"] ?? "" {
        case "require":
            switch enrollmentDays(form["enrollmentDays"], tenant: principal.tenant) {
            case .success(let days): action = .require(days: days)
            case .failure(let message): return try await refuse(message.text, status: .unprocessableContent)
            }
        case "remove_requirement": action = .removeRequirement
        case "exempt":
            switch exemptionEnd(form["exemptUntil"], timeZone: principal.tenant.timeZone) {
            case .success(let until): action = .exempt(until: until)
            case .failure(let message): return try await refuse(message.text, status: .unprocessableContent)
            }
        case "remove_exemption": action = .removeExemption
        case "reset_enrollment": action = .resetEnrollment
        default:
            return try await refuse("Choose what to do with the selected people.", status: .unprocessableContent)
        }
        guard !ids.isEmpty else {
            return try await refuse(
                "Select at least one person in the list, then choose the action again.", status: .unprocessableContent)
        }
        do {
            _ = try await services.enforcement.bulk(principal, userIDs: ids, action: action, origin: request.origin)
        } catch {
            return try await refuse(error.message, status: PageEnvironment.status(for: error))
        }
        let groups = try await services.groups.choices(principal)
        let (query, _) = UsersPageQuery.parse(form, groupIDs: Set(groups.map(\.id)))
        return .seeOther(query.currentPath, flash: .usersUpdated, request: request)
    }

    struct Message: Error {
        let text: String
    }

    /// The grace period of "Require MFA": 1 to 365 days (7 when the form sent none). Without the
    /// plan's enrollment periods the field is disabled and people must set up at their next sign-in.
    private func enrollmentDays(_ raw: String?, tenant: Tenant) -> Result<Int, Message> {
        guard hasEnrollmentPeriod(tenant) else { return .success(0) }
        guard let raw else { return .success(Self.defaultEnrollmentDays) }
        guard let days = Int(raw.trimmingCharacters(in: .whitespaces)), (1...365).contains(days) else {
            return .failure(Message(text: "Enter the enrollment period as a whole number of days from 1 to 365."))
        }
        return .success(days)
    }

    /// The end of an exemption: the end of the chosen day (`yyyy-MM-dd`, as date inputs send it) in
    /// the organization's time zone; none (until ended) when the field is empty.
    private func exemptionEnd(_ raw: String?, timeZone identifier: String) -> Result<Date?, Message> {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .success(nil) }
        // The panel's strict parser: four-digit years from 2000, two-digit months and days, real days.
        guard let end = UserPanelDates.endOfDay(raw, timeZone: identifier) else {
            return .failure(Message(text: "Enter the last day of the exemption as a date, such as 2026-03-31."))
        }
        return .success(end)
    }

    private func hasEnrollmentPeriod(_ tenant: Tenant) -> Bool {
        let now = services.environment.clock.now()
        return tenant.entitlement(catalog: services.environment.catalog, now: now).features.contains(.enrollmentPeriod)
    }

    // MARK: The list

    /// The list for `parameters` (a query string, or the bulk form's hidden fields).
    private func listPage(
        _ request: HTTPRequest, principal: Principal, parameters: URLEncodedForm, error: String? = nil,
        status: HTTPStatus = .ok, bulk: BulkState = BulkState()
    ) async throws -> HTTPResponse {
        let groups = try await services.groups.choices(principal)
        var (query, errors) = UsersPageQuery.parse(parameters, groupIDs: Set(groups.map(\.id)))
        if let error { errors.insert(error, at: 0) }
        var status = status
        if status == .ok, !errors.isEmpty { status = .unprocessableContent }
        let page: UserService.Page
        do {
            page = try await services.users.list(
                principal, filter: query.filter, cursor: query.cursor, limit: query.limit)
        } catch {
            guard case .validation = error.reason, query.cursor != nil else { throw error }
            // A cursor from elsewhere: say so, and start again from the first page.
            errors.append("That link to a page of the list is not valid any more: here is the first page.")
            if status == .ok { status = .unprocessableContent }
            query.cursor = nil
            page = try await services.users.list(principal, filter: query.filter, cursor: nil, limit: query.limit)
        }
        let dates = PageDates(timeZone: principal.tenant.timeZone)
        let selected = query.selectsAll ? Set(page.users.map(\.id)) : bulk.selected
        let canManage = principal.canManageUsers
        let daysEnabled = hasEnrollmentPeriod(principal.tenant)
        let rows: [TemplateValue] = zip(page.users, page.mfa).map { user, mfa in
            UsersPageView.row(user, mfa, dates: dates, checked: selected.contains(user.id))
        }
        let returnPairs = query.filterPairs + (query.cursor.map { [("cursor", $0)] } ?? [])
        let returnFields: [TemplateValue] = returnPairs.map { name, value in
            ["name": .string(name), "value": .string(value)]
        }
        let statuses = MFAStatus.allCases.map { ($0.rawValue, UsersPageView.label($0)) }
        let roles = Role.allCases.map { ($0.rawValue, UsersPageView.label($0)) }
        let required = query.required.map { $0 ? "yes" : "no" }
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "q": .string(query.search ?? ""),
            "statusOptions": UsersPageView.options(statuses, selected: query.mfaStatus?.rawValue, any: "Any status"),
            "requiredOptions": UsersPageView.options(
                [("yes", "Required"), ("no", "Not required")], selected: required, any: "Required or not"),
            "groupOptions": UsersPageView.options(
                groups.map { ($0.id, $0.name) }, selected: query.groupID, any: "Any group"),
            "hasGroups": .bool(!groups.isEmpty),
            "roleOptions": UsersPageView.options(roles, selected: query.role?.rawValue, any: "Any role"),
            "isFiltered": .bool(query.isFiltered),
            "rows": .list(rows),
            "hasRows": .bool(!rows.isEmpty),
            "returnFields": .list(returnFields),
            "selectAllLink": .string(query.path(cursor: query.cursor, extra: [("select", "all")])),
            "clearSelectionLink": .string(query.currentPath),
            "selectsAll": .bool(query.selectsAll),
            "canManage": .bool(canManage),
            "readOnlyHint": .string(AdminPages.readOnlyHint),
            "bulkActions": UsersPageView.options(
                UsersPageView.bulkActions, selected: bulk.action, any: "Choose an action"),
            "days": .string(bulk.days ?? String(Self.defaultEnrollmentDays)),
            "exemptUntil": .string(bulk.until ?? ""),
            "timeZone": .string(dates.timeZoneName),
            "daysEnabled": .bool(canManage && daysEnabled),
            "daysHint": .string(daysEnabled ? Self.daysHint : Self.noPeriodHint),
        ]
        if query.limit != UsersPageQuery.defaultLimit { content["customLimit"] = .string(String(query.limit)) }
        if let next = page.nextCursor { content["nextLink"] = .string(query.path(cursor: next)) }
        if query.cursor != nil { content["firstLink"] = .string(query.path()) }
        content["hasPagination"] = .bool(page.nextCursor != nil || query.cursor != nil)
        content["count"] = try await countText(principal, query: query, page: page, parameters: parameters)
        content["errors"] = .list(errors.map { .string($0) })
        content["hasErrors"] = .bool(!errors.isEmpty)
        return try environment.renderer.respond(
            Page(
                template: "admin-users", title: "People", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// "3 people match" when it is known without counting (the whole list is on this page) or
    /// when asked (`count=1`); otherwise a link that asks.
    private func countText(
        _ principal: Principal, query: UsersPageQuery, page: UserService.Page, parameters: URLEncodedForm
    ) async throws -> TemplateValue {
        var total: Int?
        if query.cursor == nil, page.nextCursor == nil {
            total = page.users.count
        } else if parameters["count"] == "1" {
            let counts = try await services.enforcement.counts(principal, filter: query.filter)
            total = query.mfaStatus.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        }
        guard let total else {
            return ["link": .string(query.path(cursor: query.cursor, extra: [("count", "1")]))]
        }
        let text: String
        if query.isFiltered {
            let people = total == 1 ? "1 person matches" : "\(total) people match"
            text = total == 0 ? "No one matches these filters." : "\(people) these filters."
        } else {
            text = "\(total) \(total == 1 ? "person" : "people") in your organization."
        }
        return ["text": .string(text)]
    }
}
