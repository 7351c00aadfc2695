import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// The administrators' pages (owners and admins, `manageUsers`; everyone else gets a 403 page):
/// - `GET|POST /admin/security`: the organization's MFA settings, through
///   `TenantService.updateSettings` (the rules of `PATCH /api/v1/organization/settings`);
/// - `GET /admin/billing` and `POST /admin/billing/restore`: the subscription, the enforcement a
///   downgrade lifted (with its restore) and the billing event history.
struct AdminPages: Sendable {
    static let securityPath = "/admin/security"
    static let billingPath = "/admin/billing"
    static let restorePath = "/admin/billing/restore"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.securityPath) { request, context in
            let principal = try context.requirePrincipal()
            return try await securityPage(request, principal: principal, tenant: principal.tenant)
        }
        group.post(Self.securityPath) { request, context in
            let principal = try context.requirePrincipal()
            return try await saveSecurity(request, principal: principal)
        }
        group.get(Self.billingPath) { request, context in
            let principal = try context.requirePrincipal()
            return try await billingPage(request, principal: principal)
        }
        group.post(Self.restorePath) { request, context in
            let principal = try context.requirePrincipal()
            return try await restore(request, principal: principal)
        }
    }

    /// Re-applies what a downgrade lifted, as far as the plan allows; a refusal re-renders the page.
    private func restore(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        do {
            try principal.requireManageUsers()
            _ = try await services.billing.restoreEnforcement(principal, origin: request.origin)
            return .seeOther(Self.billingPath, flash: .enforcementRestored, request: request)
        } catch {
            return try await billingPage(
                request, principal: principal, error: error.message, status: PageEnvironment.status(for: error))
        }
    }

    // MARK: Security settings

    /// Applies the form. A control the page showed disabled is not sent by the browser, and leaves
    /// its setting as it is.
    private func saveSecurity(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let tenant = principal.tenant
        // A read-only admin is refused before the form is read: 403 whatever they sent.
        guard principal.canManageUsers else {
            return try await securityPage(
                request, principal: principal, tenant: tenant, error: Self.readOnlyHint, status: .forbidden)
        }
        let features = entitlement(of: tenant).features
        var changes = TenantService.SettingsChanges()
        if Self.canChangeRequirement(tenant, features: features) {
            changes.mfaRequired = form["mfaRequired"] != nil
        }
        if let raw = form["mfaEnrollmentDays"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let days = Int(raw) else {
                return try await securityPage(
                    request, principal: principal, tenant: tenant,
                    error: "Enter the enrollment period as a whole number of days from 0 to 365.",
                    status: .unprocessableContent)
            }
            changes.mfaEnrollmentDays = days
        }
        do {
            changes.mfaExpiryAction = try Self.choice(form["mfaExpiryAction"], name: "expiry action")
            changes.mfaAppliesTo = try Self.choice(form["mfaAppliesTo"], name: "\"applies to\" setting")
            if Self.canChangeSignOutPolicy(tenant, features: features) {
                changes.mfaSignOutPolicy = try Self.choice(form["mfaSignOutPolicy"], name: "sign-out policy")
            }
            _ = try await services.tenants.updateSettings(principal, changes: changes, origin: request.origin)
            return .seeOther(Self.securityPath, flash: .settingsSaved, request: request)
        } catch {
            return try await securityPage(
                request, principal: principal, tenant: tenant, error: error.message,
                status: PageEnvironment.status(for: error))
        }
    }

    /// One of an enumeration's values, or a 422 naming the setting.
    private static func choice<Value: RawRepresentable & CaseIterable>(_ raw: String?, name: String)
        throws(CoreError) -> Value? where Value.RawValue == String
    {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Value(rawValue: raw) else { throw CoreError.invalid(name, "Choose a valid \(name).") }
        return value
    }

    /// The requirement may be switched on with the plan's feature, and always switched off.
    private static func canChangeRequirement(_ tenant: Tenant, features: Set<Feature>) -> Bool {
        features.contains(.enforceOrg) || tenant.settings.mfaRequired
    }

    private static func canChangeSignOutPolicy(_ tenant: Tenant, features: Set<Feature>) -> Bool {
        features.contains(.signOutPolicy) || tenant.settings.mfaSignOutPolicy != .none
    }

    private func entitlement(of tenant: Tenant) -> Entitlement {
        tenant.entitlement(catalog: services.environment.catalog, now: services.environment.clock.now())
    }

    private func securityPage(
        _ request: HTTPRequest, principal: Principal, tenant: Tenant, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let entitlement = entitlement(of: tenant)
        let features = entitlement.features
        let settings = tenant.settings
        let planName = entitlement.effectivePlan.name
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "planName": .string(planName),
            "mfaRequired": .bool(settings.mfaRequired),
            "canRequire": .bool(Self.canChangeRequirement(tenant, features: features)),
            "enrollmentDays": .string(String(settings.mfaEnrollmentDays)),
            "hasEnrollmentPeriod": .bool(features.contains(.enrollmentPeriod)),
            "expiryActions": Self.options(
                MFAExpiryAction.allCases, selected: settings.mfaExpiryAction,
                label: { $0 == .forceSetup ? "Make them set up MFA at sign-in" : "Lock them out until an admin helps" }),
            "appliesTo": Self.options(
                MFAAppliesTo.allCases, selected: settings.mfaAppliesTo,
                label: { $0 == .all ? "Everyone" : "Only people who sign in with a password (not SSO)" }),
            "signOutPolicies": Self.options(
                MFASignOutPolicy.allCases, selected: settings.mfaSignOutPolicy,
                label: { policy in
                    switch policy {
                    case .none: "Keep them signed in; require MFA at their next sign-in"
                    case .midnight: "Sign them out at midnight"
                    case .immediately: "Sign them out immediately"
                    }
                }),
            "canSignOutPolicy": .bool(Self.canChangeSignOutPolicy(tenant, features: features)),
        ]
        if !features.contains(.enforceOrg) {
            content["requireHint"] = .string(
                "Your \(planName) plan does not include requiring MFA for everyone. Upgrade to Business or Enterprise to turn it on."
            )
        }
        if !features.contains(.signOutPolicy) {
            content["signOutHint"] = .string(
                "Your \(planName) plan does not include sign-out policies. Upgrade to Enterprise to choose one.")
        }
        if !principal.canManageUsers { content["readOnly"] = .string(Self.readOnlyHint) }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "admin-security", title: "Security settings", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    private static func options<Value: RawRepresentable & Equatable>(
        _ values: [Value], selected: Value, label: (Value) -> String
    ) -> TemplateValue where Value.RawValue == String {
        .list(
            values.map { value in
                [
                    "value": .string(value.rawValue), "label": .string(label(value)),
                    "selected": .bool(value == selected),
                ]
            })
    }

    // MARK: Billing

    private func billingPage(
        _ request: HTTPRequest, principal: Principal, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let overview = try await services.billing.overview(principal)
        let tenant = overview.tenant
        let entitlement = overview.entitlement
        let dates = PageDates(timeZone: tenant.timeZone)
        let catalog = services.environment.catalog
        func planName(_ id: String) -> String { catalog.plan(id)?.name ?? id }
        var content: [String: TemplateValue] = [
            "csrf": .string(try await environment.csrfToken(for: principal)),
            "planName": .string(planName(tenant.planID)),
            "status": .string(Self.statusLabel(tenant.subscriptionStatus)),
            "statusCode": .string(tenant.subscriptionStatus.rawValue),
            "lapsed": .bool(entitlement.isLapsed),
            "effectivePlanName": .string(entitlement.effectivePlan.name),
        ]
        if tenant.subscriptionStatus == .trialing, let trialEnd = tenant.trialEndsAt {
            content["trialEndsAt"] = .string(dates.dateTime(trialEnd))
        }
        if tenant.subscriptionStatus == .pastDue, let graceEnd = tenant.pastDueGraceEndsAt {
            content["graceEndsAt"] = .string(dates.dateTime(graceEnd))
        }
        if let stored = overview.snapshot {
            content["lifted"] = [
                "liftedAt": .string(dates.dateTime(stored.takenAt)),
                "reason": .string(stored.reason.phrase),
                "fromPlan": .string(planName(stored.fromPlan)),
                "toPlan": .string(planName(stored.toPlan)),
                "sources": .list(stored.snapshot.sources.map { .string(Self.sourceLabel($0)) }),
                "restorable": .list(overview.restorable.map { .string(Self.sourceLabel($0)) }),
                "canRestore": .bool(!overview.restorable.isEmpty),
            ]
        }
        content["events"] = .list(
            overview.events.map { event in
                var item: [String: TemplateValue] = [
                    "receivedAt": .string(dates.dateTime(event.receivedAt)),
                    "receivedISO": .string(PageDates.iso8601(event.receivedAt)),
                    "outcome": .string(event.outcome.rawValue),
                    "type": .string(event.type ?? "—"),
                    "plan": .string(event.plan.map(planName) ?? "—"),
                    "status": .string(event.status ?? "—"),
                ]
                if let occurredAt = event.occurredAt { item["occurredAt"] = .string(dates.dateTime(occurredAt)) }
                if let detail = event.detail ?? event.reason { item["detail"] = .string(detail) }
                return .object(item)
            })
        content["hasEvents"] = .bool(!overview.events.isEmpty)
        if !principal.canManageUsers { content["readOnly"] = .string(Self.readOnlyHint) }
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "admin-billing", title: "Billing", status: status,
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    static func statusLabel(_ status: SubscriptionStatus) -> String {
        switch status {
        case .active: "Active"
        case .trialing: "Trial"
        case .pastDue: "Payment overdue"
        case .canceled: "Canceled"
        }
    }

    private static func sourceLabel(_ source: LiftedSource) -> String {
        switch source {
        case .organization: "MFA required for everyone"
        case .userRequirements: "MFA required of individual people"
        case .groupPolicies: "Group policies"
        case .signOutPolicy: "Sign-out policy"
        }
    }

    // MARK: Read-only admins

    /// Why a read-only admin sees the controls disabled (shown next to them).
    static let readOnlyHint = "You can see this, but only owners and admins who manage users can change it."
}
