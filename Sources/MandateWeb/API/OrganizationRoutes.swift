import HTTPServer
import Lifecycle
import MandateCore

/// `GET|PATCH /api/v1/organization/settings`.
struct OrganizationRoutes: Sendable {
    let services: APIServices

    struct SettingsBody: Decodable {
        var name: String?
        var timeZone: String?
        var passwordMinLength: Int?
        var lockoutThreshold: Int?
        var sessionIdleMinutes: Int?
        var sessionAbsoluteHours: Int?
        var smsCountryCodes: [String]?
        var mfaRequired: Bool?
        var mfaEnrollmentDays: Int?
        var mfaExpiryAction: String?
        var mfaAppliesTo: String?
        var mfaSignOutPolicy: String?
    }

    /// A value of one of the enumerated settings, or a 422 naming the accepted ones.
    static func choice<Value: RawRepresentable & CaseIterable>(_ raw: String?, field: String) throws(HTTPError)
        -> Value? where Value.RawValue == String
    {
        guard let raw else { return nil }
        guard let value = Value(rawValue: raw) else {
            let accepted = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError.unprocessable("\(field) must be one of \(accepted).")
        }
        return value
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/organization/settings") { _, context in
            let principal = try context.requirePrincipal()
            try principal.requireViewOrganization()
            return .json(settingsJSON(principal.tenant))
        }
        group.patch("/organization/settings") { [services] request, context in
            let body = try request.decodeAPI(
                SettingsBody.self,
                allowedFields: [
                    "name", "timeZone", "passwordMinLength", "lockoutThreshold", "sessionIdleMinutes",
                    "sessionAbsoluteHours", "smsCountryCodes", "mfaRequired", "mfaEnrollmentDays", "mfaExpiryAction",
                    "mfaAppliesTo", "mfaSignOutPolicy",
                ])
            var changes = TenantService.SettingsChanges()
            changes.name = body.name
            changes.timeZone = body.timeZone
            changes.passwordMinLength = body.passwordMinLength
            changes.lockoutThreshold = body.lockoutThreshold
            changes.sessionIdleMinutes = body.sessionIdleMinutes
            changes.sessionAbsoluteHours = body.sessionAbsoluteHours
            changes.smsCountryCodes = body.smsCountryCodes
            changes.mfaRequired = body.mfaRequired
            changes.mfaEnrollmentDays = body.mfaEnrollmentDays
            changes.mfaExpiryAction = try Self.choice(body.mfaExpiryAction, field: "mfaExpiryAction")
            changes.mfaAppliesTo = try Self.choice(body.mfaAppliesTo, field: "mfaAppliesTo")
            changes.mfaSignOutPolicy = try Self.choice(body.mfaSignOutPolicy, field: "mfaSignOutPolicy")
            let tenant = try await services.tenants.updateSettings(
                try context.requirePrincipal(), changes: changes, origin: request.origin)
            return .json(settingsJSON(tenant))
        }

        @Sendable func settingsJSON(_ tenant: Tenant) -> OrganizationSettingsJSON {
            OrganizationSettingsJSON(
                tenant,
                entitlement: tenant.entitlement(
                    catalog: services.environment.catalog, now: services.environment.clock.now()))
        }
    }
}
