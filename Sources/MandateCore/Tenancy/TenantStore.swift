import Foundation
import SQLite

/// SQL for tenants. Every function runs on a connection inside the caller's transaction.
enum TenantStore {
    static let columns = """
        id, slug, name, plan, subscription_status, trial_ends_at, time_zone, password_min_length, lockout_threshold,
        session_idle_minutes, session_absolute_hours, created_at, updated_at
        """

    static func insert(_ tenant: Tenant, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO tenants (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, tenant.id, tenant.slug, tenant.name, tenant.planID, tenant.subscriptionStatus.rawValue,
            tenant.trialEndsAt, tenant.timeZone, tenant.settings.passwordMinLength, tenant.settings.lockoutThreshold,
            tenant.settings.sessionIdleMinutes, tenant.settings.sessionAbsoluteHours, tenant.createdAt,
            tenant.updatedAt)
    }

    static func find(id: String, on connection: Connection) throws -> Tenant? {
        try connection.queryOne("SELECT \(columns) FROM tenants WHERE id = ?", id).map(decode)
    }

    static func find(slug: String, on connection: Connection) throws -> Tenant? {
        try connection.queryOne("SELECT \(columns) FROM tenants WHERE slug = ?", slug).map(decode)
    }

    static func all(on connection: Connection) throws -> [Tenant] {
        try connection.query("SELECT \(columns) FROM tenants ORDER BY slug").map(decode)
    }

    static func update(_ tenant: Tenant, on connection: Connection) throws {
        try connection.run(
            """
            UPDATE tenants SET name = ?, plan = ?, subscription_status = ?, trial_ends_at = ?, time_zone = ?,
                password_min_length = ?, lockout_threshold = ?, session_idle_minutes = ?, session_absolute_hours = ?,
                updated_at = ?
            WHERE id = ?
            """, tenant.name, tenant.planID, tenant.subscriptionStatus.rawValue, tenant.trialEndsAt, tenant.timeZone,
            tenant.settings.passwordMinLength, tenant.settings.lockoutThreshold, tenant.settings.sessionIdleMinutes,
            tenant.settings.sessionAbsoluteHours, tenant.updatedAt, tenant.id)
    }

    static func decode(_ row: Row) throws -> Tenant {
        var settings = TenantSettings()
        settings.passwordMinLength = try row.decode("password_min_length")
        settings.lockoutThreshold = try row.decode("lockout_threshold")
        settings.sessionIdleMinutes = try row.decode("session_idle_minutes")
        settings.sessionAbsoluteHours = try row.decode("session_absolute_hours")
        return Tenant(
            id: try row.decode("id"), slug: try row.decode("slug"), name: try row.decode("name"),
            planID: try row.decode("plan"),
            subscriptionStatus: SubscriptionStatus(rawValue: try row.decode("subscription_status")) ?? .canceled,
            trialEndsAt: try row.decode("trial_ends_at"), timeZone: try row.decode("time_zone"), settings: settings,
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
