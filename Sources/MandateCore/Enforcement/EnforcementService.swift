public import Foundation
import Lifecycle
import SQLite
import Storage

/// Administering MFA requirements (DESIGN.md §3 "Enforcement", §4 Admin API): a user's own
/// requirement and exemption, bulk changes, MFA and enrollment-period resets, and the status
/// every surface shows. Organization-wide settings live in ``TenantService``, group policies in
/// ``MFAPolicyService``. Switching a source on needs the plan's feature; switching it off always
/// works. Every change is audited with its before and after values, in its own transaction.
public struct EnforcementService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    // MARK: Status

    /// The caller's own MFA status. Decided from what authentication read (``Principal/mfaSnapshot``)
    /// unless a group policy may apply, which needs the policies and the user's memberships.
    public func status(_ principal: Principal) async throws(CoreError) -> MFAEnforcementView {
        let user = try MFAService.user(of: principal)
        let tenant = principal.tenant
        let now = environment.clock.now()
        let catalog = environment.catalog
        if let snapshot = principal.mfaSnapshot {
            let features = tenant.entitlement(catalog: catalog, now: now).features
            if !features.contains(.enforceGroups) || !snapshot.hasEnabledPolicies {
                // What the read below would find: no enabled policy, so no memberships either.
                let input = EnforcementStore.input(
                    tenant: tenant, user: user, features: features, settings: snapshot.settings,
                    enrolled: snapshot.enrolled, groupPolicies: [], memberships: [:])
                return EnforcementStore.view(input, settings: snapshot.settings, now: now)
            }
        }
        return try await environment.read { connection in
            try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
        }
    }

    /// A user's MFA status, for administrators.
    public func status(_ principal: Principal, userID: String) async throws(CoreError) -> (User, MFAEnforcementView) {
        try principal.requireViewOrganization()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let catalog = environment.catalog
        return try await environment.read { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            return (
                user, try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
            )
        }
    }

    /// Users' MFA status counts (every status, zeros included), optionally within a filter.
    public func counts(_ principal: Principal, filter: UserFilter = UserFilter()) async throws(CoreError)
        -> [MFAStatus: Int]
    {
        try principal.requireViewOrganization()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let features = tenant.entitlement(catalog: environment.catalog, now: now).features
        return try await environment.read { connection in
            try UserMFAListing.counts(tenant: tenant, features: features, now: now, filter: filter, on: connection)
        }
    }

    // MARK: One user's requirement and exemption

    /// A change to one user's own requirement or exemption (nil fields stay as they are).
    public struct UserChanges: Sendable, Equatable {
        /// Require MFA of this user (needs `mfa.enforce.user` to switch on).
        public var required: Bool?
        /// Grace period of the user's requirement, 0…365 days (above 0 needs
        /// `mfa.enrollment_period`). When requiring without it: 7 days if the plan has enrollment
        /// periods, else 0.
        public var enrollmentDays: Int?
        /// Grant (`true`) or lift (`false`) an exemption.
        public var exempt: Bool?
        /// The end of a granted exemption (implies `exempt`); nil = until lifted.
        public var exemptUntil: Date?

        public init(required: Bool? = nil, enrollmentDays: Int? = nil, exempt: Bool? = nil, exemptUntil: Date? = nil) {
            self.required = required
            self.enrollmentDays = enrollmentDays
            self.exempt = exempt
            self.exemptUntil = exemptUntil
        }

        public var isEmpty: Bool { required == nil && enrollmentDays == nil && exempt == nil && exemptUntil == nil }
    }

    public func update(_ principal: Principal, userID: String, changes: UserChanges, origin: RequestOrigin)
        async throws(CoreError) -> (User, MFAEnforcementView)
    {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let catalog = environment.catalog
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let caller = EnforcementChanges.Caller(principal)
        let result = try await environment.write { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            try EnforcementChanges.apply(
                changes, to: user, tenant: tenant, caller: caller, actor: actor, catalog: catalog, now: now,
                on: connection)
            return (
                user, try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
            )
        }
        environment.jobNotifier.notify()
        return result
    }

    // MARK: Bulk

    /// What `POST /api/v1/users/bulk` does to every selected user.
    public enum BulkAction: Sendable, Equatable {
        /// Require MFA with a grace period of `days` (0…365; above 0 needs `mfa.enrollment_period`).
        case require(days: Int)
        case removeRequirement
        /// Restart every requirement's clock now (also lets `expired` users sign in again).
        case resetEnrollment
        case exempt(until: Date?)
        case removeExemption
    }

    /// The most users one bulk request may change.
    public static let bulkLimit = 1000

    /// Applies `action` to every user in `userIDs`, all or nothing. Returns how many users.
    public func bulk(_ principal: Principal, userIDs: [String], action: BulkAction, origin: RequestOrigin)
        async throws(CoreError) -> Int
    {
        try principal.requireManageUsers()
        let ids = Array(Set(userIDs))
        guard !ids.isEmpty else { throw CoreError.invalid("userIds", "Select at least one user.") }
        guard ids.count <= Self.bulkLimit else {
            throw CoreError.invalid("userIds", "Select at most \(Self.bulkLimit) users per request.")
        }
        let tenant = principal.tenant
        let now = environment.clock.now()
        let catalog = environment.catalog
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let caller = EnforcementChanges.Caller(principal)
        let changes: UserChanges
        switch action {
        case .require(let days):
            guard (0...365).contains(days) else {
                throw CoreError.invalid("enrollmentDays", "enrollmentDays must be from 0 to 365.")
            }
            changes = UserChanges(required: true, enrollmentDays: days)
        case .removeRequirement: changes = UserChanges(required: false)
        case .exempt(let until): changes = UserChanges(exempt: true, exemptUntil: until)
        case .removeExemption: changes = UserChanges(exempt: false)
        case .resetEnrollment: changes = UserChanges()
        }
        let count = try await environment.write { connection in
            var users: [User] = []
            for id in ids {
                guard let user = try UserStore.find(id: id, tenantID: tenant.id, on: connection) else {
                    throw CoreError.notFound("The user \(id.prefix(40))")
                }
                users.append(user)
            }
            for user in users {
                if action == .resetEnrollment {
                    try EnforcementChanges.resetEnrollment(
                        user: user, tenant: tenant, actor: actor, catalog: catalog, now: now, on: connection)
                } else {
                    try EnforcementChanges.apply(
                        changes, to: user, tenant: tenant, caller: caller, actor: actor, catalog: catalog, now: now,
                        on: connection)
                }
            }
            return users.count
        }
        environment.jobNotifier.notify()
        return count
    }

    // MARK: Resets

    /// Restarts the user's enrollment period now: every requirement's clock starts again (an
    /// `expired` user under `lock_out` can sign in and set up).
    public func resetEnrollment(_ principal: Principal, userID: String, origin: RequestOrigin) async throws(CoreError)
        -> (User, MFAEnforcementView)
    {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let catalog = environment.catalog
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            try EnforcementChanges.resetEnrollment(
                user: user, tenant: tenant, actor: actor, catalog: catalog, now: now, on: connection)
            return (
                user, try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
            )
        }
    }

    /// Removes every factor and recovery code of the user, ends their sessions and open sign-in
    /// challenges, and tells them by email (the lost-phone path when no exemption is wanted).
    public func resetMFA(_ principal: Principal, userID: String, origin: RequestOrigin) async throws(CoreError)
        -> (User, MFAEnforcementView)
    {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let environment = self.environment
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let callerRole = principal.role
        let result = try await environment.write { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            guard user.role != .owner || callerRole == .owner else {
                throw CoreError.forbidden("Only an owner can reset an owner's multi-factor authentication.")
            }
            let factors = try MFAStore.factors(userID: user.id, on: connection).filter { $0.state == .active }
            try connection.run("DELETE FROM mfa_factors WHERE user_id = ?", user.id)
            try MFAStore.deleteRecoveryCodes(userID: user.id, on: connection)
            try connection.run("DELETE FROM mfa_challenges WHERE user_id = ?", user.id)
            let ended = try SessionStore.deleteAll(userID: user.id, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.reset", targetType: "user",
                    targetID: user.id, targetLabel: user.email,
                    details: [
                        "factorsRemoved": .strings(factors.map(\.kind.rawValue).sorted()), "sessionsEnded": .int(ended),
                    ]),
                on: connection)
            try SecurityNotice.enqueue(
                .resetByAdministrator, user: user, tenant: tenant, ipAddress: nil, environment: environment, now: now,
                on: connection)
            return (
                user,
                try EnforcementStore.view(
                    tenant: tenant, user: user, catalog: environment.catalog, now: now, on: connection)
            )
        }
        environment.jobNotifier.notify()
        return result
    }
}
