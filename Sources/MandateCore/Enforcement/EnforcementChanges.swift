import Foundation
import Lifecycle
import SQLite
import Storage

/// Changes to one user's requirement, exemption and enrollment period, inside the caller's write
/// transaction, each with its audit event (before and after).
enum EnforcementChanges {
    /// Who asks, for the rules about owners and oneself.
    struct Caller: Sendable {
        let role: Role
        let userID: String?

        init(_ principal: Principal) {
            role = principal.role
            userID = principal.user?.id
        }
    }

    static func apply(
        _ changes: EnforcementService.UserChanges, to user: User, tenant: Tenant, caller: Caller, actor: AuditActor,
        catalog: PlanCatalog, now: Date, on connection: Connection
    ) throws {
        guard !changes.isEmpty else { return }
        let features = tenant.entitlement(catalog: catalog, now: now).features
        let (before, _) = try EnforcementStore.userSettings(userID: user.id, tenant: tenant, on: connection)
        var after = before
        if let days = changes.enrollmentDays {
            try checkEnrollmentDays(
                days, field: "mfaEnrollmentDays", current: before.enrollmentDays, features: features)
            after.enrollmentDays = days
        }
        // An administrator's decision about the requirement replaces one a downgrade lifted.
        if changes.required != nil { after.liftedByDowngrade = false }
        if let required = changes.required, required != before.required {
            if required {
                guard features.contains(.enforceUser) else {
                    throw CoreError.planUpgradeRequired(
                        .enforceUser, "Requiring MFA of individual users needs a plan with mfa.enforce.user.")
                }
                after.requiredAt = now
                // A requirement set now must not count as lifted by a downgrade at this very instant.
                if let lifted = tenant.settings.mfaUserRequirementsLiftedAt, lifted >= now {
                    after.requiredAt = lifted.addingTimeInterval(0.001)
                }
                if changes.enrollmentDays == nil { after.enrollmentDays = features.contains(.enrollmentPeriod) ? 7 : 0 }
            }
            after.required = required
        }
        var exemptionGranted = false
        if changes.exempt == true || changes.exemptUntil != nil {
            if let until = changes.exemptUntil, until <= now {
                throw CoreError.invalid("mfaExemptUntil", "The end of an exemption must be in the future.")
            }
            guard user.id != caller.userID else {
                throw CoreError.forbidden("Another administrator must exempt you; you cannot exempt yourself.")
            }
            guard user.role != .owner || caller.role == .owner else {
                throw CoreError.forbidden("Only an owner can exempt an owner.")
            }
            exemptionGranted = !before.isExempt(at: now) || before.exemptUntil != changes.exemptUntil
            after.exempt = true
            after.exemptUntil = changes.exemptUntil
        } else if changes.exempt == false {
            after.exempt = false
            after.exemptUntil = nil
        }
        guard after != before else { return }
        try EnforcementStore.update(userID: user.id, tenantID: tenant.id, settings: after, now: now, on: connection)

        if before.required != after.required || before.enrollmentDays != after.enrollmentDays
            || before.liftedByDowngrade != after.liftedByDowngrade
        {
            var details: [String: AuditValue] = [
                "mfaRequired": .strings([String(before.required), String(after.required)]),
                "mfaEnrollmentDays": .strings([String(before.enrollmentDays), String(after.enrollmentDays)]),
            ]
            // A requirement a downgrade lifted is replaced by the administrator's decision.
            if before.liftedByDowngrade { details["replacedLiftedRequirement"] = .bool(true) }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.user_requirement.updated",
                    targetType: "user", targetID: user.id, targetLabel: user.email, details: details),
                on: connection)
        }
        if exemptionGranted {
            var details: [String: AuditValue] = [
                "until": after.exemptUntil.map { .string(Timestamp.iso8601($0)) } ?? .null
            ]
            if let previous = before.exemptUntil, before.isExempt(at: now) {
                details["previousUntil"] = .string(Timestamp.iso8601(previous))
            }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.exemption.granted",
                    targetType: "user", targetID: user.id, targetLabel: user.email, details: details),
                on: connection)
        } else if before.exempt, !after.exempt {
            // Re-enforcing a previously exempted user who has no factor ends their sessions at once.
            let ended = try EnforcementSessions.endIfNonCompliant(
                tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.exemption.ended",
                    targetType: "user", targetID: user.id, targetLabel: user.email,
                    details: ["reason": "lifted", "sessionsEnded": .int(ended)]),
                on: connection)
        }
    }

    /// Checks a grace period for `field`: 0 (at next sign-in) to 365 days, and above 0 only with
    /// `mfa.enrollment_period` — an unchanged value passes, so other settings stay editable after a
    /// downgrade.
    static func checkEnrollmentDays(_ days: Int, field: String, current: Int, features: Set<Feature>)
        throws(CoreError)
    {
        guard (0...365).contains(days) else {
            throw CoreError.invalid(field, "\(field) must be from 0 (at next sign-in) to 365 days.")
        }
        if days > 0, days != current, !features.contains(.enrollmentPeriod) {
            throw CoreError.planUpgradeRequired(
                .enrollmentPeriod,
                "Enrollment periods need a plan with mfa.enrollment_period; use 0 (at next sign-in) or upgrade.")
        }
    }

    static func resetEnrollment(
        user: User, tenant: Tenant, actor: AuditActor, catalog: PlanCatalog, now: Date, on connection: Connection
    ) throws {
        let before = try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
        var settings = before.settings
        settings.enrollmentResetAt = now
        try EnforcementStore.update(userID: user.id, tenantID: tenant.id, settings: settings, now: now, on: connection)
        let after = try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
        func describe(_ view: MFAEnforcementView) -> AuditValue {
            .string(
                view.decision.status.rawValue + (view.decision.deadline.map { " until " + Timestamp.iso8601($0) } ?? "")
            )
        }
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.enrollment.reset", targetType: "user",
                targetID: user.id, targetLabel: user.email,
                details: ["before": describe(before), "after": describe(after)]),
            on: connection)
    }

    /// A factor was just activated: an exemption ends (the user has re-enrolled).
    static func endExemptionOnEnrollment(user: User, tenant: Tenant, now: Date, on connection: Connection) throws {
        var (settings, _) = try EnforcementStore.userSettings(userID: user.id, tenant: tenant, on: connection)
        guard settings.exempt else { return }
        settings.exempt = false
        settings.exemptUntil = nil
        try EnforcementStore.update(userID: user.id, tenantID: tenant.id, settings: settings, now: now, on: connection)
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: .system, action: "mfa.exemption.ended",
                targetType: "user", targetID: user.id, targetLabel: user.email, details: ["reason": "enrolled"]),
            on: connection)
    }
}
