import Foundation
import SQLite
import Storage

/// SQL for enforcement settings: users' own requirements, group policies, notices. Every function
/// runs on a connection inside the caller's transaction.
enum EnforcementStore {
    // MARK: Users

    /// The columns of `users` that ``decodeUserSettings(_:at:tenant:)`` reads, in this order (the
    /// session lookup selects them too, qualified).
    static let userSettingsColumns = """
        mfa_required, mfa_enrollment_days, mfa_required_at, mfa_exempt, mfa_exempt_until, mfa_enrollment_reset_at,
        mfa_enrolled
        """

    /// The number of `userSettingsColumns`.
    static let userSettingsColumnCount = 7

    /// Built once: statements are cached by their text.
    private static let userSettingsSQL = "SELECT \(userSettingsColumns) FROM users WHERE id = ?"

    /// The user's settings in `tenant`, whose `mfaUserRequirementsLiftedAt` tells whether the user's
    /// own requirement still applies.
    static func userSettings(userID: String, tenant: Tenant, on connection: Connection) throws -> (
        UserMFASettings, enrolled: Bool
    ) {
        guard let row = try connection.queryOne(userSettingsSQL, userID) else { return (UserMFASettings(), false) }
        return try decodeUserSettings(row, tenant: tenant)
    }

    /// Decodes the `userSettingsColumns` starting at column `base`. `required` is the effective
    /// requirement: a stored one set at or before the tenant's `mfaUserRequirementsLiftedAt` is
    /// `liftedByDowngrade` instead.
    static func decodeUserSettings(_ row: Row, at base: Int = 0, tenant: Tenant) throws -> (
        UserMFASettings, enrolled: Bool
    ) {
        var settings = UserMFASettings()
        let stored: Bool = try row.decode(base)
        settings.enrollmentDays = try row.decode(base + 1)
        settings.requiredAt = try row.decode(base + 2)
        var requirement = EnforcementInput.UserRequirement()
        requirement.required = stored
        requirement.requiredAt = settings.requiredAt
        requirement.liftedAt = tenant.settings.mfaUserRequirementsLiftedAt
        settings.required = requirement.isInForce
        settings.liftedByDowngrade = stored && !settings.required
        settings.exempt = try row.decode(base + 3)
        settings.exemptUntil = try row.decode(base + 4)
        settings.enrollmentResetAt = try row.decode(base + 5)
        return (settings, try row.decode(base + 6))
    }

    static func update(
        userID: String, tenantID: String, settings: UserMFASettings, now: Date, on connection: Connection
    )
        throws
    {
        try connection.run(
            """
            UPDATE users SET mfa_required = ?, mfa_enrollment_days = ?, mfa_required_at = ?, mfa_exempt = ?,
                mfa_exempt_until = ?, mfa_enrollment_reset_at = ?, updated_at = ?
            WHERE id = ? AND tenant_id = ?
            """, settings.required || settings.liftedByDowngrade, settings.enrollmentDays, settings.requiredAt,
            settings.exempt,
            settings.exemptUntil, settings.enrollmentResetAt, now, userID, tenantID)
    }

    /// The user's groups and when they were added to each.
    static func memberships(userID: String, on connection: Connection) throws -> [String: Date] {
        var memberships: [String: Date] = [:]
        for row in try connection.query("SELECT group_id, added_at FROM group_members WHERE user_id = ?", userID) {
            memberships[try row.decode(0)] = try row.decode(1) as Date
        }
        return memberships
    }

    // MARK: Group policies

    static func policies(tenantID: String, on connection: Connection) throws -> [MFAPolicy] {
        let rows = try connection.query(
            """
            SELECT id, tenant_id, name, enabled, include_all, enrollment_days, enabled_at, created_at, updated_at
            FROM mfa_policies WHERE tenant_id = ? ORDER BY name
            """, tenantID)
        guard !rows.isEmpty else { return [] }
        var groups: [String: (include: [String], exclude: [String])] = [:]
        for row in try connection.query(
            """
            SELECT g.policy_id, g.group_id, g.kind FROM mfa_policy_groups g
            JOIN mfa_policies p ON p.id = g.policy_id WHERE p.tenant_id = ? ORDER BY g.group_id
            """, tenantID)
        {
            let policyID: String = try row.decode(0)
            let groupID: String = try row.decode(1)
            let kind: String = try row.decode(2)
            if kind == "include" {
                groups[policyID, default: ([], [])].include.append(groupID)
            } else {
                groups[policyID, default: ([], [])].exclude.append(groupID)
            }
        }
        return try rows.map { row in
            let id: String = try row.decode(0)
            return MFAPolicy(
                id: id, tenantID: try row.decode(1), name: try row.decode(2), enabled: try row.decode(3),
                includesAllUsers: try row.decode(4), includedGroupIDs: groups[id]?.include ?? [],
                excludedGroupIDs: groups[id]?.exclude ?? [], enrollmentDays: try row.decode(5),
                enabledAt: try row.decode(6), createdAt: try row.decode(7), updatedAt: try row.decode(8))
        }
    }

    static func policy(id: String, tenantID: String, on connection: Connection) throws -> MFAPolicy? {
        try policies(tenantID: tenantID, on: connection).first { $0.id == id }
    }

    /// Inserts or replaces a policy and its group lists.
    static func save(_ policy: MFAPolicy, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO mfa_policies (id, tenant_id, name, enabled, include_all, enrollment_days, enabled_at,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
                include_all = excluded.include_all, enrollment_days = excluded.enrollment_days,
                enabled_at = excluded.enabled_at, updated_at = excluded.updated_at
            """, policy.id, policy.tenantID, policy.name, policy.enabled, policy.includesAllUsers,
            policy.enrollmentDays, policy.enabledAt, policy.createdAt, policy.updatedAt)
        try connection.run("DELETE FROM mfa_policy_groups WHERE policy_id = ?", policy.id)
        for groupID in policy.includedGroupIDs {
            try connection.run(
                "INSERT INTO mfa_policy_groups (policy_id, group_id, kind) VALUES (?, ?, 'include')", policy.id,
                groupID)
        }
        for groupID in policy.excludedGroupIDs {
            try connection.run(
                "INSERT INTO mfa_policy_groups (policy_id, group_id, kind) VALUES (?, ?, 'exclude')", policy.id,
                groupID)
        }
    }

    static func deletePolicy(id: String, tenantID: String, on connection: Connection) throws -> Bool {
        try connection.run("DELETE FROM mfa_policies WHERE id = ? AND tenant_id = ?", id, tenantID) == 1
    }

    // MARK: Deciding

    /// Everything the decision needs about `user` in `tenant`, read in the caller's transaction.
    static func input(
        tenant: Tenant, user: User, features: Set<Feature>, on connection: Connection
    ) throws -> (EnforcementInput, UserMFASettings) {
        let (settings, enrolled) = try userSettings(userID: user.id, tenant: tenant, on: connection)
        var groupPolicies: [EnforcementInput.GroupPolicy] = []
        var memberships: [String: Date] = [:]
        if features.contains(.enforceGroups) {
            groupPolicies = try policies(tenantID: tenant.id, on: connection).filter(\.enabled).map(\.decisionInput)
            if !groupPolicies.isEmpty { memberships = try Self.memberships(userID: user.id, on: connection) }
        }
        return (
            input(
                tenant: tenant, user: user, features: features, settings: settings, enrolled: enrolled,
                groupPolicies: groupPolicies, memberships: memberships),
            settings
        )
    }

    /// The decision's input from values already read: the user's settings (as
    /// ``decodeUserSettings(_:at:tenant:)`` gives them), the tenant's enabled group policies (none
    /// without `mfa.enforce.groups`) and, when there are any, the user's memberships.
    static func input(
        tenant: Tenant, user: User, features: Set<Feature>, settings: UserMFASettings, enrolled: Bool,
        groupPolicies: [EnforcementInput.GroupPolicy], memberships: [String: Date]
    ) -> EnforcementInput {
        var input = EnforcementInput()
        input.features = features
        input.expiryAction = tenant.settings.mfaExpiryAction
        input.org.required = tenant.settings.mfaRequired
        input.org.enrollmentDays = tenant.settings.mfaEnrollmentDays
        input.org.appliesTo = tenant.settings.mfaAppliesTo
        input.org.enabledAt = tenant.settings.mfaEnabledAt
        // As stored: the decision itself leaves out a requirement lifted by a downgrade.
        input.user.required = settings.required || settings.liftedByDowngrade
        input.user.enrollmentDays = settings.enrollmentDays
        input.user.requiredAt = settings.requiredAt
        input.user.liftedAt = tenant.settings.mfaUserRequirementsLiftedAt
        input.groupPolicies = groupPolicies
        input.memberships = memberships
        input.userStatus = user.status
        input.role = user.role
        input.authSource = user.authSource
        input.activatedAt = user.activatedAt
        input.enrollmentResetAt = settings.enrollmentResetAt
        input.exempt = settings.exempt
        input.exemptUntil = settings.exemptUntil
        input.enrolled = enrolled
        return input
    }

    /// The decision for `user` at `now`.
    static func view(
        tenant: Tenant, user: User, catalog: PlanCatalog, now: Date, on connection: Connection
    ) throws -> MFAEnforcementView {
        let features = tenant.entitlement(catalog: catalog, now: now).features
        let (input, settings) = try input(tenant: tenant, user: user, features: features, on: connection)
        return view(input, settings: settings, now: now)
    }

    /// The decision on `input` at `now`, with the settings it was made from.
    static func view(_ input: EnforcementInput, settings: UserMFASettings, now: Date) -> MFAEnforcementView {
        MFAEnforcementView(
            decision: EnforcementDecision.decide(input, now: now), settings: settings,
            exemptNow: settings.isExempt(at: now))
    }

    // MARK: Notices

    /// Records that `kind` was sent for `deadline`; false when it already was (send nothing then).
    static func claimNotice(userID: String, kind: String, deadline: Date, now: Date, on connection: Connection) throws
        -> Bool
    {
        try connection.run(
            """
            INSERT INTO mfa_notices (user_id, kind, deadline, sent_at) VALUES (?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, userID, kind, deadline, now) == 1
    }
}
