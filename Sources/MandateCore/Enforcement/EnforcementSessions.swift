import Foundation
import SQLite
import Storage

/// Ending the sessions of users who must set up MFA now (sign-out policies, DESIGN.md §3).
enum EnforcementSessions {
    /// Deletes the full sessions of the tenant's users whose status is `setup_required` or
    /// `expired` at `now`; setup-only sessions stay (they reach nothing but setup). Returns how many.
    static func endNonCompliant(tenant: Tenant, features: Set<Feature>, now: Date, on connection: Connection) throws
        -> Int
    {
        let query = try EnforcementStatusQuery.make(tenant: tenant, features: features, now: now, on: connection)
        return try connection.run(
            """
            DELETE FROM sessions WHERE tenant_id = :tenant AND scope = 'full' AND user_id IN (
                SELECT s.id FROM (\(query.table)) s
                WHERE NOT \(connection.dialect.isTrue("s.mfa_enrolled")) AND s.mfa_status_code IN (\(dueCodes)))
            """, named: query.parameters)
    }

    /// The status codes of users who must set up MFA now.
    private static let dueCodes = [MFAStatus.setupRequired, .expired].map {
        String(EnforcementStatusQuery.code(of: $0))
    }.joined(separator: ", ")

    /// Ends every session of one user if they must set up MFA now (a re-enforced, non-enrolled
    /// user). Returns how many.
    static func endIfNonCompliant(
        tenant: Tenant, user: User, catalog: PlanCatalog, now: Date, on connection: Connection
    ) throws -> Int {
        let view = try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
        guard view.decision.status == .setupRequired || view.decision.status == .expired else { return 0 }
        return try connection.run(
            "DELETE FROM sessions WHERE user_id = ? AND tenant_id = ? AND scope = 'full'", user.id, tenant.id)
    }
}
