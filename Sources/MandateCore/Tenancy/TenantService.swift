import Foundation
import Lifecycle
import SQLite
import Storage

/// Creating tenants (operators) and changing their settings (owners and admins).
public struct TenantService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Creates a tenant on `planID`; a trial ends `trialDays` from now.
    public func create(
        slug: String, name: String, planID: String, status: SubscriptionStatus = .active, trialDays: Int? = nil,
        timeZone: String = "UTC"
    ) async throws(CoreError) -> Tenant {
        let cleanSlug = try TenantSlug.validate(slug)
        let cleanName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(cleanName.count) else {
            throw CoreError.invalid("name", "The organization name needs 1 to 120 characters.")
        }
        guard environment.catalog.plan(planID) != nil else {
            let known = environment.catalog.plans.map(\.id).joined(separator: ", ")
            throw CoreError.invalid("plan", "There is no plan '\(planID)'. Plans: \(known).")
        }
        guard TimeZone(identifier: timeZone) != nil else {
            throw CoreError.invalid("timeZone", "'\(timeZone)' is not an IANA time zone such as Europe/Berlin.")
        }
        let now = environment.clock.now()
        let trialEnd = status == .trialing ? now.addingTimeInterval(Double(trialDays ?? 14) * 86_400) : nil
        let tenant = Tenant(
            id: Identifier.make("ten"), slug: cleanSlug, name: cleanName, planID: planID, subscriptionStatus: status,
            trialEndsAt: trialEnd, timeZone: timeZone, settings: TenantSettings(), createdAt: now, updatedAt: now)
        try await environment.write { connection in
            if try TenantStore.find(slug: cleanSlug, on: connection) != nil {
                throw CoreError(.conflict, "An organization with the handle '\(cleanSlug)' already exists.")
            }
            try TenantStore.insert(tenant, on: connection)
            var details: [String: AuditValue] = ["plan": .string(planID), "status": .string(status.rawValue)]
            if let trialEnd { details["trialEndsAt"] = .string(Timestamp.iso8601(trialEnd)) }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: .system, action: "tenant.created",
                    targetType: "tenant", targetID: tenant.id, targetLabel: tenant.slug, details: details),
                on: connection)
        }
        return tenant
    }

    public func tenant(slug: String) async throws(CoreError) -> Tenant? {
        let clean = slug.lowercased()
        return try await environment.read { connection in try TenantStore.find(slug: clean, on: connection) }
    }

    /// The settings an administrator may change.
    public struct SettingsChanges: Sendable {
        public var name: String?
        public var timeZone: String?
        public var passwordMinLength: Int?
        public var lockoutThreshold: Int?
        public var sessionIdleMinutes: Int?
        public var sessionAbsoluteHours: Int?
        /// Calling codes SMS may go to (`["44", "+49"]`); empty allows every country.
        public var smsCountryCodes: [String]?
        /// The organization-wide MFA requirement (needs `mfa.enforce.org` to switch on).
        public var mfaRequired: Bool?
        /// 0 = at next sign-in; 1…365 days of grace (needs `mfa.enrollment_period`).
        public var mfaEnrollmentDays: Int?
        public var mfaExpiryAction: MFAExpiryAction?
        public var mfaAppliesTo: MFAAppliesTo?
        /// Anything but `none` needs `mfa.sign_out_policy`.
        public var mfaSignOutPolicy: MFASignOutPolicy?

        public init() {}
    }

    public func updateSettings(_ principal: Principal, changes: SettingsChanges, origin: RequestOrigin)
        async throws(CoreError) -> Tenant
    {
        try principal.requireManageUsers()
        let now = environment.clock.now()
        let features = principal.tenant.entitlement(catalog: environment.catalog, now: now).features
        // Validate first, before taking the write lock…
        _ = try Self.applying(changes, to: principal.tenant, features: features, now: now)
        let tenantID = principal.tenant.id
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        // …then apply the changes to the tenant as it is now, inside the transaction: the copy read
        // at authentication may be older than a concurrent change of another setting, which must
        // not be silently reverted.
        return try await environment.write { connection in
            guard let before = try TenantStore.find(id: tenantID, on: connection) else {
                throw CoreError.notFound("The organization")
            }
            var tenant = try Self.applying(changes, to: before, features: features, now: now)
            let (details, enforcement) = Self.differences(before, tenant)
            guard !details.isEmpty || !enforcement.isEmpty else { return tenant }
            tenant.updatedAt = now
            try TenantStore.update(tenant, on: connection)
            if !details.isEmpty {
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now, actor: actor, action: "tenant.settings.updated",
                        targetType: "tenant", targetID: tenant.id, targetLabel: tenant.slug, details: details),
                    on: connection)
            }
            if !enforcement.isEmpty {
                var details = enforcement
                if tenant.settings.mfaSignOutPolicy == .immediately, features.contains(.signOutPolicy) {
                    details["sessionsEnded"] = .int(
                        try EnforcementSessions.endNonCompliant(
                            tenant: tenant, features: features, now: now, on: connection))
                }
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.org_enforcement.updated",
                        targetType: "tenant", targetID: tenant.id, targetLabel: tenant.slug, details: details),
                    on: connection)
            }
            return tenant
        }
    }

    /// `tenant` with `changes` applied, each value checked against its range.
    private static func applying(_ changes: SettingsChanges, to original: Tenant, features: Set<Feature>, now: Date)
        throws(CoreError) -> Tenant
    {
        var tenant = original
        if let name = changes.name {
            let clean = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...120).contains(clean.count) else {
                throw CoreError.invalid("name", "The organization name needs 1 to 120 characters.")
            }
            tenant.name = clean
        }
        if let timeZone = changes.timeZone {
            guard TimeZone(identifier: timeZone) != nil else {
                throw CoreError.invalid(
                    "timeZone", "'\(timeZone.prefix(60))' is not an IANA time zone such as Europe/Berlin.")
            }
            tenant.timeZone = timeZone
        }
        tenant.settings.passwordMinLength = try checked(
            changes.passwordMinLength, field: "passwordMinLength",
            range: PasswordPolicy.minimumLengthFloor...PasswordPolicy.maximumLength,
            default: tenant.settings.passwordMinLength, unit: "characters")
        tenant.settings.lockoutThreshold = try checked(
            changes.lockoutThreshold, field: "lockoutThreshold", range: 3...LockoutPolicy.hardLimit,
            default: tenant.settings.lockoutThreshold, unit: "failed attempts")
        tenant.settings.sessionIdleMinutes = try checked(
            changes.sessionIdleMinutes, field: "sessionIdleMinutes", range: 5...1440,
            default: tenant.settings.sessionIdleMinutes, unit: "minutes")
        tenant.settings.sessionAbsoluteHours = try checked(
            changes.sessionAbsoluteHours, field: "sessionAbsoluteHours", range: 1...720,
            default: tenant.settings.sessionAbsoluteHours, unit: "hours")
        if let codes = changes.smsCountryCodes {
            guard codes.count <= 250 else {
                throw CoreError.invalid("smsCountryCodes", "List at most 250 country calling codes.")
            }
            var normalized: [String] = []
            for code in codes {
                guard let clean = PhoneNumber.normalizedCallingCode(code) else {
                    throw CoreError.invalid(
                        "smsCountryCodes",
                        "'\(code.prefix(20))' is not a country calling code; use digits such as \"44\" or \"1\".")
                }
                if !normalized.contains(clean) { normalized.append(clean) }
            }
            tenant.settings.smsCountryCodes = normalized
        }
        try applyEnforcement(changes, to: &tenant.settings, features: features, now: now)
        return tenant
    }

    /// The organization-wide MFA settings: switching a source on needs the plan's feature
    /// (`403 plan_upgrade_required`); switching it off always works.
    private static func applyEnforcement(
        _ changes: SettingsChanges, to settings: inout TenantSettings, features: Set<Feature>, now: Date
    ) throws(CoreError) {
        if let days = changes.mfaEnrollmentDays {
            try EnforcementChanges.checkEnrollmentDays(
                days, field: "mfaEnrollmentDays", current: settings.mfaEnrollmentDays, features: features)
            settings.mfaEnrollmentDays = days
        }
        if let required = changes.mfaRequired, required != settings.mfaRequired {
            if required {
                guard features.contains(.enforceOrg) else {
                    throw CoreError.planUpgradeRequired(
                        .enforceOrg, "Requiring MFA for the whole organization needs a plan with mfa.enforce.org.")
                }
                // A new requirement: its clock starts now (an earlier period does not carry over).
                settings.mfaEnabledAt = now
            }
            settings.mfaRequired = required
        }
        if let action = changes.mfaExpiryAction { settings.mfaExpiryAction = action }
        if let appliesTo = changes.mfaAppliesTo { settings.mfaAppliesTo = appliesTo }
        if let policy = changes.mfaSignOutPolicy, policy != settings.mfaSignOutPolicy {
            if policy != .none, !features.contains(.signOutPolicy) {
                throw CoreError.planUpgradeRequired(
                    .signOutPolicy, "Sign-out policies need a plan with mfa.sign_out_policy.")
            }
            settings.mfaSignOutPolicy = policy
        }
    }

    private static func checked(
        _ value: Int?, field: String, range: ClosedRange<Int>, default current: Int, unit: String
    )
        throws(CoreError) -> Int
    {
        guard let value else { return current }
        guard range.contains(value) else {
            throw CoreError.invalid(field, "\(field) must be from \(range.lowerBound) to \(range.upperBound) \(unit).")
        }
        return value
    }

    /// The changed settings as `[before, after]` pairs: general settings, then MFA enforcement.
    private static func differences(_ before: Tenant, _ after: Tenant) -> (
        settings: [String: AuditValue], enforcement: [String: AuditValue]
    ) {
        var details: [String: AuditValue] = [:]
        func note<T: CustomStringConvertible & Equatable>(_ name: String, _ old: T, _ new: T) {
            if old != new { details[name] = .strings([old.description, new.description]) }
        }
        note("name", before.name, after.name)
        note("timeZone", before.timeZone, after.timeZone)
        note("passwordMinLength", before.settings.passwordMinLength, after.settings.passwordMinLength)
        note("lockoutThreshold", before.settings.lockoutThreshold, after.settings.lockoutThreshold)
        note("sessionIdleMinutes", before.settings.sessionIdleMinutes, after.settings.sessionIdleMinutes)
        note("sessionAbsoluteHours", before.settings.sessionAbsoluteHours, after.settings.sessionAbsoluteHours)
        if before.settings.smsCountryCodes != after.settings.smsCountryCodes {
            details["smsCountryCodes"] = .strings([
                before.settings.smsCountryCodes.joined(separator: ","),
                after.settings.smsCountryCodes.joined(separator: ","),
            ])
        }
        let settings = details
        details = [:]
        let old = before.settings
        let new = after.settings
        note("mfaRequired", old.mfaRequired, new.mfaRequired)
        note("mfaEnrollmentDays", old.mfaEnrollmentDays, new.mfaEnrollmentDays)
        note("mfaExpiryAction", old.mfaExpiryAction.rawValue, new.mfaExpiryAction.rawValue)
        note("mfaAppliesTo", old.mfaAppliesTo.rawValue, new.mfaAppliesTo.rawValue)
        note("mfaSignOutPolicy", old.mfaSignOutPolicy.rawValue, new.mfaSignOutPolicy.rawValue)
        if old.mfaEnabledAt != new.mfaEnabledAt, let enabledAt = new.mfaEnabledAt {
            details["mfaEnabledAt"] = .string(Timestamp.iso8601(enabledAt))
        }
        return (settings, details)
    }
}
