import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// The administrators' panel of one person (`GET /admin/users/:id`, owners and admins; members get
/// a 403 page, another organization's or an unknown id a 404 page) and its forms, each applied
/// through the same core service as the JSON API, then a 303 back to the panel with a flash; a
/// refusal re-renders the panel with the error and the API's status, nothing changed:
/// - `POST …/mfa-requirement`: require MFA with an enrollment period (`PATCH /api/v1/users/{id}`);
/// - `POST …/mfa/reset`: remove every factor and end their sessions, after a confirmation box
///   (`POST /api/v1/users/{id}/mfa/reset`);
/// - `POST …/exemption`: exempt until the end of a day, or with no end, or end the exemption
///   (`PATCH /api/v1/users/{id}` `mfaExempt` / `mfaExemptUntil`);
/// - `POST …/enrollment/reset`: restart the enrollment period (`POST …/mfa/enrollment/reset`).
///
/// An administrator without `manageUsers` sees every control disabled with the reason; the
/// services refuse their forms anyway.
struct UserPanelPages: Sendable {
    static let panelPattern = "/admin/users/:id"

    /// The panel's paths for one user.
    struct Paths {
        let panel: String
        var requirement: String { panel + "/mfa-requirement" }
        var reset: String { panel + "/mfa/reset" }
        var exemption: String { panel + "/exemption" }
        var enrollment: String { panel + "/enrollment/reset" }

        init(userID: String) {
            // Ids are `usr_…`; anything else is percent-encoded so a path stays a path.
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
            panel = "/admin/users/" + (userID.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }
    }

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.panelPattern) { request, context in
            try await withTarget(context) { try await panel(request, principal: $0, userID: $1) }
        }
        group.post(Self.panelPattern + "/mfa-requirement") { request, context in
            try await withTarget(context) { try await saveRequirement(request, principal: $0, userID: $1) }
        }
        group.post(Self.panelPattern + "/mfa/reset") { request, context in
            try await withTarget(context) { try await resetMFA(request, principal: $0, userID: $1) }
        }
        group.post(Self.panelPattern + "/exemption") { request, context in
            try await withTarget(context) { try await saveExemption(request, principal: $0, userID: $1) }
        }
        group.post(Self.panelPattern + "/enrollment/reset") { request, context in
            try await withTarget(context) { try await resetEnrollment(request, principal: $0, userID: $1) }
        }
    }

    /// Runs `body` with the caller and the route's user id.
    private func withTarget(
        _ context: MandateContext, _ body: (Principal, String) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        try await body(try context.requirePrincipal(), try context.route.parameters.require("id"))
    }

    /// The services' own permission check, before any form validation: an administrator who may
    /// only look is refused (403) whatever they send.
    private func mayChange(_ request: HTTPRequest, principal: Principal, userID: String) async throws
        -> HTTPResponse?
    {
        do {
            try principal.requireManageUsers()
            return nil
        } catch {
            return try await refused(request, principal: principal, userID: userID, error: error)
        }
    }

    // MARK: Forms

    /// Requires MFA of the user (or not) with an enrollment period. A toggle the panel showed
    /// disabled for the plan is not sent by the browser, and leaves the requirement as it is.
    private func saveRequirement(_ request: HTTPRequest, principal: Principal, userID: String) async throws
        -> HTTPResponse
    {
        if let refusal = try await mayChange(request, principal: principal, userID: userID) { return refusal }
        let form = URLEncodedForm(body: request.body)
        var changes = EnforcementService.UserChanges()
        do {
            let (_, current) = try await services.enforcement.status(principal, userID: userID)
            let features = principal.tenant.entitlement(
                catalog: services.environment.catalog, now: services.environment.clock.now()
            ).features
            if UserPanelView.canChangeRequirement(features: features, settings: current.settings) {
                changes.required = form["mfaRequired"] != nil
            }
        } catch {
            return try await refused(request, principal: principal, userID: userID, error: error)
        }
        // The period only matters with a requirement: switching it off leaves the stored days alone.
        if changes.required != false, let raw = form["mfaEnrollmentDays"]?.trimmingCharacters(in: .whitespaces),
            !raw.isEmpty
        {
            guard let days = Int(raw) else {
                return try await panel(
                    request, principal: principal, userID: userID,
                    error: "Enter the enrollment period as a whole number of days from 0 to 365.",
                    status: .unprocessableContent)
            }
            changes.enrollmentDays = days
        }
        return try await apply(request, principal: principal, userID: userID, changes, flash: .userRequirementSaved)
    }

    /// Grants an exemption until the end of the chosen day (empty: no end date), or ends it.
    private func saveExemption(_ request: HTTPRequest, principal: Principal, userID: String) async throws
        -> HTTPResponse
    {
        if let refusal = try await mayChange(request, principal: principal, userID: userID) { return refusal }
        let form = URLEncodedForm(body: request.body)
        switch form["exemption"] {
        case "end":
            return try await apply(
                request, principal: principal, userID: userID, EnforcementService.UserChanges(exempt: false),
                flash: .userExemptionEnded)
        case "grant":
            let raw = (form["exemptUntil"] ?? "").trimmingCharacters(in: .whitespaces)
            var until: Date?
            if !raw.isEmpty {
                let timeZone = principal.tenant.timeZone
                guard let end = UserPanelDates.endOfDay(raw, timeZone: timeZone) else {
                    return try await panel(
                        request, principal: principal, userID: userID,
                        error: "Enter the end of the exemption as a date (year-month-day), or leave it empty.",
                        status: .unprocessableContent)
                }
                guard end > services.environment.clock.now() else {
                    return try await panel(
                        request, principal: principal, userID: userID,
                        error: "Choose an end date from today on, or leave it empty for no end date.",
                        status: .unprocessableContent)
                }
                until = end
            }
            return try await apply(
                request, principal: principal, userID: userID,
                EnforcementService.UserChanges(exempt: true, exemptUntil: until), flash: .userExempted)
        default:
            return try await panel(
                request, principal: principal, userID: userID,
                error: "Choose whether to grant the exemption or to end it.", status: .unprocessableContent)
        }
    }

    /// `PATCH /api/v1/users/{id}`'s update, with the MFA changes only.
    private func apply(
        _ request: HTTPRequest, principal: Principal, userID: String, _ changes: EnforcementService.UserChanges,
        flash: Flash
    ) async throws -> HTTPResponse {
        do {
            let user = try await services.users.update(
                principal, userID: userID, changes: UserService.Changes(), mfa: changes, origin: request.origin)
            return .seeOther(Paths(userID: user.id).panel, flash: flash, request: request)
        } catch {
            return try await refused(request, principal: principal, userID: userID, error: error)
        }
    }

    /// Removes every factor and ends the user's sessions, once the confirmation box is ticked.
    private func resetMFA(_ request: HTTPRequest, principal: Principal, userID: String) async throws -> HTTPResponse {
        if let refusal = try await mayChange(request, principal: principal, userID: userID) { return refusal }
        guard URLEncodedForm(body: request.body)["confirm"] != nil else {
            return try await panel(
                request, principal: principal, userID: userID,
                error: "Tick the box to confirm that you want to reset their multi-factor authentication.",
                status: .unprocessableContent)
        }
        do {
            let (user, _) = try await services.enforcement.resetMFA(principal, userID: userID, origin: request.origin)
            return .seeOther(Paths(userID: user.id).panel, flash: .userMFAReset, request: request)
        } catch {
            return try await refused(request, principal: principal, userID: userID, error: error)
        }
    }

    private func resetEnrollment(_ request: HTTPRequest, principal: Principal, userID: String) async throws
        -> HTTPResponse
    {
        do {
            let (user, _) = try await services.enforcement.resetEnrollment(
                principal, userID: userID, origin: request.origin)
            return .seeOther(Paths(userID: user.id).panel, flash: .userEnrollmentReset, request: request)
        } catch {
            return try await refused(request, principal: principal, userID: userID, error: error)
        }
    }

    /// The panel again with the service's refusal and the API's status (a missing user: 404 page).
    private func refused(_ request: HTTPRequest, principal: Principal, userID: String, error: CoreError) async throws
        -> HTTPResponse
    {
        try await panel(
            request, principal: principal, userID: userID, error: error.message,
            status: PageEnvironment.status(for: error))
    }

    // MARK: Panel

    private func panel(
        _ request: HTTPRequest, principal: Principal, userID: String, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let view: UserPanelView
        do {
            view = try await panelView(principal: principal, userID: userID)
        } catch {
            guard case .notFound = error.reason else { throw error }
            return try await notFound(request, principal: principal)
        }
        let name = view.user.name.isEmpty ? view.user.email : view.user.name
        return try environment.renderer.respond(
            Page(
                template: "admin-user", title: name, status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil),
                content: view.content(csrf: try await environment.csrfToken(for: principal), error: error)),
            to: request)
    }

    /// Everything the panel shows, read through the services (each checks the caller may see it).
    private func panelView(principal: Principal, userID: String) async throws(CoreError) -> UserPanelView {
        let (user, mfa) = try await services.enforcement.status(principal, userID: userID)
        let overview = try await services.mfa.overview(principal, userID: user.id)
        let messages = try await MessageHistoryService(environment: services.environment).smsHistory(
            principal, userID: user.id)
        var policyNames: [String: String] = [:]
        if mfa.decision.sources.contains(where: { if case .group = $0.kind { true } else { false } }) {
            for policy in try await services.policies.list(principal) { policyNames[policy.id] = policy.name }
        }
        return UserPanelView(
            principal: principal, user: user, mfa: mfa, overview: overview, messages: messages,
            policyNames: policyNames, catalog: services.environment.catalog,
            dates: PageDates(timeZone: principal.tenant.timeZone), now: services.environment.clock.now())
    }

    // MARK: Refusals

    private func notFound(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        try environment.renderer.respond(
            Page(
                template: "admin-user-not-found", title: "Person not found", status: .notFound,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: [:]),
            to: request)
    }
}
