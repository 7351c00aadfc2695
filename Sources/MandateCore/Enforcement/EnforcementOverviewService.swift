import Foundation
import Lifecycle
import SQLite
import Storage

/// What the administrators' overview page reads beyond the status counts: how many users carry
/// their own requirement or an exemption, and the enrollment progress over time.
public struct EnforcementOverviewService: Sendable {
    /// Users' own requirements and exemptions, counted.
    public struct UserSources: Sendable, Equatable {
        /// Users whose own requirement is switched on and not lifted by a downgrade.
        public let ownRequirements: Int
        /// Users whose exemption is in force now.
        public let exemptions: Int

        public init(ownRequirements: Int, exemptions: Int) {
            self.ownRequirements = ownRequirements
            self.exemptions = exemptions
        }
    }

    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Users' own requirements and exemptions in force, in one pass over the tenant's users.
    public func userSources(_ principal: Principal) async throws(CoreError) -> UserSources {
        try principal.requireViewOrganization()
        let tenant = principal.tenant
        let now = environment.clock.now().millisecondsSince1970
        // Requirements set at or before a downgrade's lift no longer apply (TenantSettings).
        let lifted = tenant.settings.mfaUserRequirementsLiftedAt?.millisecondsSince1970 ?? -1
        return try await environment.read { connection in
            let row = try connection.queryOne(
                """
                SELECT
                    COUNT(*) FILTER (WHERE mfa_required = 1 AND COALESCE(mfa_required_at, 0) > :lifted),
                    COUNT(*) FILTER (WHERE mfa_exempt = 1 AND (mfa_exempt_until IS NULL OR mfa_exempt_until > :now))
                FROM users WHERE tenant_id = :tenant
                """,
                named: [":tenant": tenant.id, ":now": now, ":lifted": lifted])
            return UserSources(ownRequirements: try row?.decode(0) ?? 0, exemptions: try row?.decode(1) ?? 0)
        }
    }

    /// Users enrolled at the end of each of the last `days` days (today included), in the tenant's
    /// time zone. See ``EnrollmentProgress`` for what history it can and cannot show.
    public func enrollmentProgress(_ principal: Principal, days: Int = EnrollmentProgress.defaultDays)
        async throws(CoreError) -> EnrollmentProgress
    {
        try principal.requireViewOrganization()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let count = min(max(days, 1), 366)
        return try await environment.read { connection in
            try EnrollmentProgressQuery.progress(tenant: tenant, days: count, now: now, on: connection)
        }
    }
}
