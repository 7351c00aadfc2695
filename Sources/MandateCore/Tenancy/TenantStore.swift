import Foundation
import SQLite
import Storage

/// SQL for tenants. Every function runs on a connection inside the caller's transaction.
enum TenantStore {
    static let columns = """
        id, slug, name, plan, subscription_status, trial_ends_at, time_zone, password_min_length, lockout_threshold,
        session_idle_minutes, session_absolute_hours, created_at, updated_at, sms_country_codes, mfa_required,
        mfa_enrollment_days, mfa_enabled_at, mfa_expiry_action, mfa_applies_to, mfa_sign_out_policy,
        past_due_grace_ends_at, billing_event_at, mfa_user_lifted_at
        """

    static func insert(_ tenant: Tenant, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO tenants (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, tenant.id, tenant.slug, tenant.name, tenant.planID, tenant.subscriptionStatus.rawValue,
            tenant.trialEndsAt, tenant.timeZone, tenant.settings.passwordMinLength, tenant.settings.lockoutThreshold,
            tenant.settings.sessionIdleMinutes, tenant.settings.sessionAbsoluteHours, tenant.createdAt,
            tenant.updatedAt, tenant.settings.smsCountryCodes.joined(separator: ","), tenant.settings.mfaRequired,
            tenant.settings.mfaEnrollmentDays, tenant.settings.mfaEnabledAt, tenant.settings.mfaExpiryAction.rawValue,
            tenant.settings.mfaAppliesTo.rawValue, tenant.settings.mfaSignOutPolicy.rawValue, tenant.pastDueGraceEndsAt,
            tenant.billingEventAt, tenant.settings.mfaUserRequirementsLiftedAt)
    }

    static func find(id: String, on connection: Connection) throws -> Tenant? {
        try connection.queryOne("SELECT \(columns) FROM tenants WHERE id = ?", id).map { try decode($0) }
    }

    static func find(slug: String, on connection: Connection) throws -> Tenant? {
        try connection.queryOne("SELECT \(columns) FROM tenants WHERE slug = ?", slug).map { try decode($0) }
    }

    static func all(on connection: Connection) throws -> [Tenant] {
        try connection.query("SELECT \(columns) FROM tenants ORDER BY slug").map { try decode($0) }
    }

    static func update(_ tenant: Tenant, on connection: Connection) throws {
        try connection.run(
            """
            UPDATE tenants SET name = ?, plan = ?, subscription_status = ?, trial_ends_at = ?, time_zone = ?,
                password_min_length = ?, lockout_threshold = ?, session_idle_minutes = ?, session_absolute_hours = ?,
                sms_country_codes = ?, mfa_required = ?, mfa_enrollment_days = ?, mfa_enabled_at = ?,
                mfa_expiry_action = ?, mfa_applies_to = ?, mfa_sign_out_policy = ?, past_due_grace_ends_at = ?,
                billing_event_at = ?, mfa_user_lifted_at = ?, updated_at = ?
            WHERE id = ?
            """, tenant.name, tenant.planID, tenant.subscriptionStatus.rawValue, tenant.trialEndsAt, tenant.timeZone,
            tenant.settings.passwordMinLength, tenant.settings.lockoutThreshold, tenant.settings.sessionIdleMinutes,
            tenant.settings.sessionAbsoluteHours, tenant.settings.smsCountryCodes.joined(separator: ","),
            tenant.settings.mfaRequired, tenant.settings.mfaEnrollmentDays, tenant.settings.mfaEnabledAt,
            tenant.settings.mfaExpiryAction.rawValue, tenant.settings.mfaAppliesTo.rawValue,
            tenant.settings.mfaSignOutPolicy.rawValue, tenant.pastDueGraceEndsAt, tenant.billingEventAt,
            tenant.settings.mfaUserRequirementsLiftedAt, tenant.updatedAt, tenant.id)
    }

    /// Decodes the `columns` of a tenant starting at column `base` (by position).
    static func decode(_ row: Row, at base: Int = 0) throws -> Tenant {
        var settings = TenantSettings()
        settings.passwordMinLength = try row.decode(base + 7)
        settings.lockoutThreshold = try row.decode(base + 8)
        settings.sessionIdleMinutes = try row.decode(base + 9)
        settings.sessionAbsoluteHours = try row.decode(base + 10)
        let countryCodes: String = try row.decode(base + 13)
        settings.smsCountryCodes = countryCodes.split(separator: ",").map(String.init)
        settings.mfaRequired = try row.decode(base + 14)
        settings.mfaEnrollmentDays = try row.decode(base + 15)
        settings.mfaEnabledAt = try row.decode(base + 16)
        settings.mfaExpiryAction = MFAExpiryAction(rawValue: try row.decode(base + 17)) ?? .forceSetup
        settings.mfaAppliesTo = MFAAppliesTo(rawValue: try row.decode(base + 18)) ?? .all
        settings.mfaSignOutPolicy = MFASignOutPolicy(rawValue: try row.decode(base + 19)) ?? .none
        settings.mfaUserRequirementsLiftedAt = try row.decode(base + 22)
        return Tenant(
            id: try row.decode(base), slug: try row.decode(base + 1), name: try row.decode(base + 2),
            planID: try row.decode(base + 3),
            subscriptionStatus: SubscriptionStatus(rawValue: try row.decode(base + 4)) ?? .canceled,
            trialEndsAt: try row.decode(base + 5), timeZone: try row.decode(base + 6), settings: settings,
            createdAt: try row.decode(base + 11), updatedAt: try row.decode(base + 12),
            pastDueGraceEndsAt: try row.decode(base + 20), billingEventAt: try row.decode(base + 21))
    }

    /// The number of `columns`.
    static let columnCount = 23
}
