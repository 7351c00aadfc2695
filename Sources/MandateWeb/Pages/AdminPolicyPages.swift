import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// Group policies (plan feature `mfa.enforce.groups`), through ``MFAPolicyService`` like
/// `/api/v1/mfa-policies`:
/// - `GET|POST /admin/policies`: the list and the form creating one;
/// - `GET|POST /admin/policies/:id`: one policy's form;
/// - `POST /admin/policies/:id/toggle`: enables (`enabled=true`) or disables it;
/// - `POST /admin/policies/:id/delete`: deletes it (the form's `confirm` box must be ticked).
///
/// Owners and admins see the pages; only those who may manage users get working controls. On a
/// plan without group policies the page is read-only with an upgrade hint, except that a policy
/// can always be disabled or deleted (switching enforcement off always works).
struct AdminPolicyPages: Sendable {
    static let listPath = "/admin/policies"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    /// Characters an id keeps in a path segment (RFC 3986 unreserved).
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func path(of id: String) -> String {
        listPath + "/" + (id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id)
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.listPath) { request, context in
            try await listPage(request, principal: try context.requirePrincipal())
        }
        group.post(Self.listPath) { request, context in
            try await create(request, principal: try context.requirePrincipal())
        }
        group.get(Self.listPath + "/:id") { request, context in
            let id = try context.route.parameters.require("id")
            return try await editPage(request, principal: try context.requirePrincipal(), id: id)
        }
        group.post(Self.listPath + "/:id") { request, context in
            let id = try context.route.parameters.require("id")
            return try await update(request, principal: try context.requirePrincipal(), id: id)
        }
        group.post(Self.listPath + "/:id/toggle") { request, context in
            let id = try context.route.parameters.require("id")
            return try await toggle(request, principal: try context.requirePrincipal(), id: id)
        }
        group.post(Self.listPath + "/:id/delete") { request, context in
            let id = try context.route.parameters.require("id")
            return try await delete(request, principal: try context.requirePrincipal(), id: id)
        }
    }

    // MARK: Changes

    private func create(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = PolicyForm(form: URLEncodedForm(body: request.body))
        do {
            try refuseWithoutPlan(principal)
            _ = try await services.policies.create(principal, draft: try form.draft(), origin: request.origin)
            return .seeOther(Self.listPath, flash: .policyCreated, request: request)
        } catch {
            return try await listPage(
                request, principal: principal, form: form, error: Self.message(for: error),
                status: PageEnvironment.status(for: error))
        }
    }

    private func update(_ request: HTTPRequest, principal: Principal, id: String) async throws -> HTTPResponse {
        let form = PolicyForm(form: URLEncodedForm(body: request.body))
        do {
            try refuseWithoutPlan(principal)
            _ = try await services.policies.update(principal, id: id, draft: try form.draft(), origin: request.origin)
            return .seeOther(Self.listPath, flash: .policySaved, request: request)
        } catch {
            return try await editPage(
                request, principal: principal, id: id, form: form, error: Self.message(for: error),
                status: PageEnvironment.status(for: error))
        }
    }

    private func toggle(_ request: HTTPRequest, principal: Principal, id: String) async throws -> HTTPResponse {
        let value = URLEncodedForm(body: request.body)[PolicyForm.enabledField]
        do throws(CoreError) {
            guard let value, let enabled = Bool(value) else {
                throw CoreError.invalid(PolicyForm.enabledField, "Choose to enable or disable the policy.")
            }
            var draft = MFAPolicyService.Draft()
            draft.enabled = enabled
            _ = try await services.policies.update(principal, id: id, draft: draft, origin: request.origin)
            return .seeOther(Self.listPath, flash: enabled ? .policyEnabled : .policyDisabled, request: request)
        } catch {
            return try await listPage(
                request, principal: principal, error: error.message, status: PageEnvironment.status(for: error))
        }
    }

    private func delete(_ request: HTTPRequest, principal: Principal, id: String) async throws -> HTTPResponse {
        let confirmed = URLEncodedForm(body: request.body)["confirm"] == "yes"
        do throws(CoreError) {
            // Permission before the confirmation: a refused caller learns nothing about the policy.
            try principal.requireManageUsers()
            guard confirmed else {
                throw CoreError.invalid("confirm", "Tick the box to confirm that the policy should be deleted.")
            }
            try await services.policies.delete(principal, id: id, origin: request.origin)
            return .seeOther(Self.listPath, flash: .policyDeleted, request: request)
        } catch {
            return try await editPage(
                request, principal: principal, id: id, error: error.message, status: PageEnvironment.status(for: error))
        }
    }

    /// The refusal as the form shows it: the one conflict a policy can meet is a name in use.
    private static func message(for error: CoreError) -> String {
        guard case .conflict = error.reason else { return error.message }
        return "Another policy already has this name. Choose a different name."
    }

    /// Creating or changing a policy needs the plan's feature (disabling and deleting do not);
    /// callers who may not manage users are left to the service's refusal.
    private func refuseWithoutPlan(_ principal: Principal) throws(CoreError) {
        guard principal.canManageUsers, !hasGroupPolicies(principal.tenant) else { return }
        throw CoreError.planUpgradeRequired(.enforceGroups, upgradeHint(principal.tenant))
    }

    // MARK: Pages

    private func listPage(
        _ request: HTTPRequest, principal: Principal, form: PolicyForm = PolicyForm(), error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let policies = try await services.policies.list(principal)
        let groups = try await services.groups.list(principal)
        let names = Dictionary(groups.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let dates = PageDates(timeZone: principal.tenant.timeZone)
        let canManage = principal.canManageUsers
        let hasFeature = hasGroupPolicies(principal.tenant)
        var content = try await common(principal)
        content["form"] = form.templateValue(groups: groups)
        content["hasPolicies"] = .bool(!policies.isEmpty)
        content["policies"] = .list(
            policies.map { policy in
                var row: [String: TemplateValue] = [
                    "id": .string(policy.id), "name": .string(policy.name), "link": .string(Self.path(of: policy.id)),
                    "toggleAction": .string(Self.path(of: policy.id) + "/toggle"),
                    "enabled": .bool(policy.enabled),
                    "appliesTo": .string(
                        policy.includesAllUsers ? "Everyone" : Self.groupNames(policy.includedGroupIDs, names)),
                    "excluded": .string(Self.groupNames(policy.excludedGroupIDs, names)),
                    "period": .string(Self.period(policy.enrollmentDays)),
                    "canToggle": .bool(canManage && (policy.enabled || hasFeature)),
                ]
                if policy.enabled {
                    row["enabledSince"] = .string(dates.dateTime(policy.enabledAt))
                    row["enabledSinceISO"] = .string(PageDates.iso8601(policy.enabledAt))
                }
                return .object(row)
            })
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "admin-policies", title: "Group policies", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    private func editPage(
        _ request: HTTPRequest, principal: Principal, id: String, form: PolicyForm? = nil, error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let policy: MFAPolicy
        do {
            policy = try await services.policies.policy(principal, id: id)
        } catch {
            return try await listPage(
                request, principal: principal, error: error.message, status: PageEnvironment.status(for: error))
        }
        let groups = try await services.groups.list(principal)
        var content = try await common(principal)
        content["policyName"] = .string(policy.name)
        content["action"] = .string(Self.path(of: policy.id))
        content["deleteAction"] = .string(Self.path(of: policy.id) + "/delete")
        content["form"] = (form ?? PolicyForm(policy: policy)).templateValue(groups: groups)
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "admin-policy", title: "Group policy", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    /// What both pages show: the CSRF token, and why controls are disabled.
    private func common(_ principal: Principal) async throws -> [String: TemplateValue] {
        let canManage = principal.canManageUsers
        let hasFeature = hasGroupPolicies(principal.tenant)
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "canManage": .bool(canManage),
            "locked": .bool(!canManage || !hasFeature),
            "readOnly": .bool(!canManage),
        ]
        if !canManage {
            content["lockedHint"] = .string(AdminPages.readOnlyHint)
        } else if !hasFeature {
            content["lockedHint"] = .string(upgradeHint(principal.tenant))
            content["upgrade"] = .bool(true)
        }
        return content
    }

    private func hasGroupPolicies(_ tenant: Tenant) -> Bool {
        entitlement(of: tenant).features.contains(.enforceGroups)
    }

    private func upgradeHint(_ tenant: Tenant) -> String {
        "Your \(entitlement(of: tenant).effectivePlan.name) plan does not include group policies. "
            + "Upgrade to Enterprise to create, change and enable them."
    }

    private func entitlement(of tenant: Tenant) -> Entitlement {
        tenant.entitlement(catalog: services.environment.catalog, now: services.environment.clock.now())
    }

    /// The groups' names, in the policy's order; a group deleted since shows as such.
    private static func groupNames(_ ids: [String], _ names: [String: String]) -> String {
        guard !ids.isEmpty else { return "—" }
        return ids.map { names[$0] ?? "(deleted group)" }.joined(separator: ", ")
    }

    private static func period(_ days: Int) -> String {
        switch days {
        case 0: "At the next sign-in"
        case 1: "1 day"
        default: "\(days) days"
        }
    }
}
