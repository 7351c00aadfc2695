import Foundation
import SQLite
import Storage

/// Lifting enforcement the tenant is no longer entitled to (DESIGN.md §3, downgrade rules), and
/// restoring it. Every function runs inside the caller's write transaction.
///
/// Lifting writes a constant number of rows whatever the tenant's size: the tenant row (the
/// organization requirement off, the sign-out policy `none`, and `mfa_user_lifted_at`, which
/// retires every user's own requirement without touching the users), the enabled group policies,
/// the snapshot, one audit event and one email per administrator. Users' factors are never touched.
/// The decision already ignores sources the plan lacks, so this only makes the settings say what is
/// in force, keeps what an upgrade can restore, and tells the administrators.
enum EnforcementLift {
    /// What one lift did.
    struct Result: Sendable, Equatable {
        var sources: [LiftedSource]
        var userRequirementCount: Int
        var groupPolicyCount: Int
        var adminsEmailed: Int
    }

    /// Lifts every source `tenant` (as stored now, with its new subscription) may no longer use at
    /// `now`. Returns nil, and writes nothing, when nothing needed lifting: calling it again after a
    /// lift (a replayed webhook, the next sweep) is a no-op.
    static func liftUnentitled(
        tenant stored: Tenant, fromPlan: String, reason: LiftReason, environment: CoreEnvironment, now: Date,
        on connection: Connection
    ) throws -> Result? {
        let entitlement = stored.entitlement(catalog: environment.catalog, now: now)
        let features = entitlement.features
        var tenant = stored
        var lifted = EnforcementSnapshot()
        if tenant.settings.mfaRequired, !features.contains(.enforceOrg) {
            lifted.organization = EnforcementSnapshot.Organization(
                enrollmentDays: tenant.settings.mfaEnrollmentDays,
                expiryAction: tenant.settings.mfaExpiryAction.rawValue, appliesTo: tenant.settings.mfaAppliesTo.rawValue
            )
            tenant.settings.mfaRequired = false
        }
        if !features.contains(.enforceUser) {
            let count = try requirementsInForce(tenant, on: connection)
            if count > 0 {
                lifted.userRequirements = true
                lifted.userRequirementCount = count
                tenant.settings.mfaUserRequirementsLiftedAt = now
            }
        }
        if !features.contains(.enforceGroups) {
            lifted.groupPolicyIDs = try connection.query(
                "SELECT id FROM mfa_policies WHERE tenant_id = ? AND \(connection.dialect.isTrue("enabled")) ORDER BY id",
                tenant.id
            ).map { try $0.decode(0) }
            if !lifted.groupPolicyIDs.isEmpty {
                try connection.run(
                    "UPDATE mfa_policies SET enabled = 0, updated_at = ? WHERE tenant_id = ? AND "
                        + connection.dialect.isTrue("enabled"), now, tenant.id)
            }
        }
        if tenant.settings.mfaSignOutPolicy != .none, !features.contains(.signOutPolicy) {
            lifted.signOutPolicy = tenant.settings.mfaSignOutPolicy.rawValue
            tenant.settings.mfaSignOutPolicy = .none
        }
        guard !lifted.isEmpty else { return nil }

        tenant.updatedAt = now
        try TenantStore.update(tenant, on: connection)
        let toPlan = entitlement.effectivePlan.id
        let previous = try snapshot(tenantID: tenant.id, on: connection)
        try save(
            StoredEnforcementSnapshot(
                snapshot: previous.map { $0.snapshot.adding(lifted) } ?? lifted, takenAt: previous?.takenAt ?? now,
                reason: previous?.reason ?? reason, fromPlan: previous?.fromPlan ?? fromPlan, toPlan: toPlan),
            tenantID: tenant.id, on: connection)
        var details: [String: AuditValue] = [
            "reason": .string(reason.rawValue), "fromPlan": .string(fromPlan), "toPlan": .string(toPlan),
            "lifted": .strings(lifted.sources.map(\.rawValue)),
        ]
        if let organization = lifted.organization {
            details["orgEnrollmentDays"] = .int(organization.enrollmentDays)
            details["orgExpiryAction"] = .string(organization.expiryAction)
            details["orgAppliesTo"] = .string(organization.appliesTo)
        }
        if lifted.userRequirements { details["userRequirements"] = .int(lifted.userRequirementCount) }
        if !lifted.groupPolicyIDs.isEmpty { details["groupPolicies"] = .strings(lifted.groupPolicyIDs) }
        if let policy = lifted.signOutPolicy { details["signOutPolicy"] = .string(policy) }
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: AuditActor(kind: .billing, label: "billing"),
                action: "mfa.enforcement.lifted", targetType: "tenant", targetID: tenant.id, targetLabel: tenant.slug,
                details: details),
            on: connection)
        let emailed = try EnforcementLiftMail(environment: environment, tenant: tenant).send(
            lifted, reason: reason, fromPlan: fromPlan, toPlan: toPlan, now: now, on: connection)
        return Result(
            sources: lifted.sources, userRequirementCount: lifted.userRequirementCount,
            groupPolicyCount: lifted.groupPolicyIDs.count, adminsEmailed: emailed)
    }

    /// How many users of `tenant` have an own requirement in force (through the partial index
    /// `users_mfa_required`, so a tenant without any costs one index probe).
    static func requirementsInForce(_ tenant: Tenant, on connection: Connection) throws -> Int {
        try connection.queryOne(
            """
            SELECT COUNT(*) FROM users \(connection.dialect.indexedBy("users_mfa_required"))
            WHERE tenant_id = ? AND mfa_required = 1 AND COALESCE(mfa_required_at, ?) > ?
            """, tenant.id, EnforcementSQL.noTime, EnforcementSQL.liftedMilliseconds(tenant.settings)
        )?.decode(0) ?? 0
    }

    /// What a restore brought back.
    struct Restoration: Sendable, Equatable {
        var restored: [LiftedSource]
        /// Parts the plan still lacks, kept in the snapshot.
        var remaining: [LiftedSource]
        var userRequirementCount: Int
        var groupPolicyCount: Int
        /// The tenant after the restore.
        var tenant: Tenant
    }

    /// Re-applies the parts of the snapshot the plan includes at `now`, each with a fresh clock
    /// (periods restart now: time spent downgraded does not count against users).
    ///
    /// - Throws: `409 conflict` without a snapshot; `403 plan_upgrade_required` when the plan
    ///   includes none of its parts.
    static func restore(tenant stored: Tenant, environment: CoreEnvironment, now: Date, on connection: Connection)
        throws -> (Restoration, StoredEnforcementSnapshot)
    {
        guard let saved = try snapshot(tenantID: stored.id, on: connection), !saved.snapshot.isEmpty else {
            throw CoreError(.conflict, "There is no lifted enforcement to restore.")
        }
        let features = stored.entitlement(catalog: environment.catalog, now: now).features
        let restorable = saved.snapshot.sources.filter { features.contains($0.feature) }
        guard !restorable.isEmpty else {
            let missing = saved.snapshot.sources.map(\.feature.rawValue).joined(separator: ", ")
            throw CoreError.planUpgradeRequired(
                saved.snapshot.sources[0].feature,
                "The current plan includes none of the lifted enforcement (it needs \(missing)); upgrade first.")
        }
        var tenant = stored
        let snapshot = saved.snapshot
        var userCount = 0
        var policyCount = 0
        for source in restorable {
            switch source {
            case .organization:
                guard let organization = snapshot.organization else { continue }
                tenant.settings.mfaRequired = true
                tenant.settings.mfaEnabledAt = now
                tenant.settings.mfaEnrollmentDays = organization.enrollmentDays
                tenant.settings.mfaExpiryAction = MFAExpiryAction(rawValue: organization.expiryAction) ?? .forceSetup
                tenant.settings.mfaAppliesTo = MFAAppliesTo(rawValue: organization.appliesTo) ?? .all
            case .userRequirements:
                if let liftedAt = tenant.settings.mfaUserRequirementsLiftedAt {
                    userCount = try connection.run(
                        """
                        UPDATE users \(connection.dialect.indexedBy("users_mfa_required")) SET mfa_required_at = ?, updated_at = ?
                        WHERE tenant_id = ? AND mfa_required = 1 AND COALESCE(mfa_required_at, ?) <= ?
                        """, now, now, tenant.id, EnforcementSQL.noTime, liftedAt)
                }
                tenant.settings.mfaUserRequirementsLiftedAt = nil
            case .groupPolicies:
                for id in snapshot.groupPolicyIDs {
                    policyCount += try connection.run(
                        """
                        UPDATE mfa_policies SET enabled = 1, enabled_at = ?, updated_at = ?
                        WHERE id = ? AND tenant_id = ? AND NOT \(connection.dialect.isTrue("enabled"))
                        """, now, now, id, tenant.id)
                }
            case .signOutPolicy:
                tenant.settings.mfaSignOutPolicy =
                    snapshot.signOutPolicy.flatMap(MFASignOutPolicy.init(rawValue:)) ?? .none
            }
        }
        tenant.updatedAt = now
        try TenantStore.update(tenant, on: connection)
        let rest = snapshot.removing(Set(restorable))
        if rest.isEmpty {
            try connection.run("DELETE FROM mfa_enforcement_snapshots WHERE tenant_id = ?", tenant.id)
        } else {
            var kept = saved
            kept.snapshot = rest
            try save(kept, tenantID: tenant.id, on: connection)
        }
        return (
            Restoration(
                restored: restorable, remaining: rest.sources, userRequirementCount: userCount,
                groupPolicyCount: policyCount, tenant: tenant),
            saved
        )
    }

    // MARK: Storage

    static func snapshot(tenantID: String, on connection: Connection) throws -> StoredEnforcementSnapshot? {
        guard
            let row = try connection.queryOne(
                "SELECT taken_at, reason, from_plan, to_plan, config FROM mfa_enforcement_snapshots WHERE tenant_id = ?",
                tenantID)
        else { return nil }
        let config: String = try row.decode(4)
        return StoredEnforcementSnapshot(
            snapshot: try JSONDecoder().decode(EnforcementSnapshot.self, from: Data(config.utf8)),
            takenAt: try row.decode(0), reason: LiftReason(rawValue: try row.decode(1)) ?? .downgrade,
            fromPlan: try row.decode(2), toPlan: try row.decode(3))
    }

    private static func save(_ stored: StoredEnforcementSnapshot, tenantID: String, on connection: Connection) throws {
        let config = String(decoding: try JSONEncoder.sorted.encode(stored.snapshot), as: UTF8.self)
        try connection.run(
            """
            INSERT INTO mfa_enforcement_snapshots (tenant_id, taken_at, reason, from_plan, to_plan, config)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id) DO UPDATE SET taken_at = excluded.taken_at, reason = excluded.reason,
                from_plan = excluded.from_plan, to_plan = excluded.to_plan, config = excluded.config
            """, tenantID, stored.takenAt, stored.reason.rawValue, stored.fromPlan, stored.toPlan, config)
    }
}
