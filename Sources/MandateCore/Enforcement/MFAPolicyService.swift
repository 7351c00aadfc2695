import Foundation
import Lifecycle
import SQLite
import Storage

/// Group policies (`/api/v1/mfa-policies`, plan feature `mfa.enforce.groups`): require MFA of
/// every user or of listed groups, except excluded groups, with their own grace period.
public struct MFAPolicyService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// The fields of a policy to create or change (nil fields stay as they are; a new policy is
    /// enabled, covers listed groups only, and is due at next sign-in unless told otherwise).
    public struct Draft: Sendable {
        public var name: String?
        public var enabled: Bool?
        public var includesAllUsers: Bool?
        public var includedGroupIDs: [String]?
        public var excludedGroupIDs: [String]?
        public var enrollmentDays: Int?

        public init() {}
    }

    public func list(_ principal: Principal) async throws(CoreError) -> [MFAPolicy] {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            try EnforcementStore.policies(tenantID: tenantID, on: connection)
        }
    }

    public func policy(_ principal: Principal, id: String) async throws(CoreError) -> MFAPolicy {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        guard
            let policy = try await environment.read({ connection in
                try EnforcementStore.policy(id: id, tenantID: tenantID, on: connection)
            })
        else { throw CoreError.notFound("The MFA policy") }
        return policy
    }

    public func create(_ principal: Principal, draft: Draft, origin: RequestOrigin) async throws(CoreError) -> MFAPolicy
    {
        // Permission first: a caller who may not manage policies learns nothing about the input.
        try principal.requireManageUsers()
        guard draft.name != nil else { throw CoreError.invalid("name", "Give the policy a name.") }
        let now = environment.clock.now()
        let blank = MFAPolicy(
            id: Identifier.make("pol"), tenantID: principal.tenant.id, name: "", enabled: false,
            includesAllUsers: false, includedGroupIDs: [], excludedGroupIDs: [], enrollmentDays: 0, enabledAt: now,
            createdAt: now, updatedAt: now)
        var creating = draft
        if creating.enabled == nil { creating.enabled = true }
        return try await save(principal, draft: creating, origin: origin, action: "mfa.policy.created") { _ in blank }
    }

    public func update(_ principal: Principal, id: String, draft: Draft, origin: RequestOrigin)
        async throws(CoreError) -> MFAPolicy
    {
        try await save(principal, draft: draft, origin: origin, action: "mfa.policy.updated") { connection in
            guard let policy = try EnforcementStore.policy(id: id, tenantID: principal.tenant.id, on: connection) else {
                throw CoreError.notFound("The MFA policy")
            }
            return policy
        }
    }

    public func delete(_ principal: Principal, id: String, origin: RequestOrigin) async throws(CoreError) {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        try await environment.write { connection in
            guard let policy = try EnforcementStore.policy(id: id, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The MFA policy")
            }
            _ = try EnforcementStore.deletePolicy(id: id, tenantID: tenant.id, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.policy.deleted",
                    targetType: "mfa_policy", targetID: policy.id, targetLabel: policy.name,
                    details: ["before": .strings(Self.describe(policy))]),
                on: connection)
        }
    }

    private func save(
        _ principal: Principal, draft: Draft, origin: RequestOrigin, action: String,
        load: @escaping @Sendable (Connection) throws -> MFAPolicy
    ) async throws(CoreError) -> MFAPolicy {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let features = tenant.entitlement(catalog: environment.catalog, now: now).features
        let name = try draft.name.map { name throws(CoreError) -> String in try Self.validateName(name) }
        for list in [draft.includedGroupIDs, draft.excludedGroupIDs] where (list?.count ?? 0) > 500 {
            throw CoreError.invalid("includedGroupIds", "List at most 500 groups.")
        }
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            let before = try load(connection)
            var policy = before
            if let name { policy.name = name }
            if let days = draft.enrollmentDays {
                try EnforcementChanges.checkEnrollmentDays(
                    days, field: "enrollmentDays", current: before.enrollmentDays, features: features)
                policy.enrollmentDays = days
            }
            if let all = draft.includesAllUsers { policy.includesAllUsers = all }
            for (field, ids) in [
                ("includedGroupIds", draft.includedGroupIDs), ("excludedGroupIds", draft.excludedGroupIDs),
            ] {
                guard let ids else { continue }
                var unique: [String] = []
                for id in ids where !unique.contains(id) { unique.append(id) }
                for id in unique where try GroupStore.find(id: id, tenantID: tenant.id, on: connection) == nil {
                    throw CoreError.invalid(field, "There is no group '\(id.prefix(40))' in this organization.")
                }
                if field == "includedGroupIds" {
                    policy.includedGroupIDs = unique
                } else {
                    policy.excludedGroupIDs = unique
                }
            }
            if let overlap = Set(policy.includedGroupIDs).intersection(policy.excludedGroupIDs).first {
                throw CoreError.invalid(
                    "excludedGroupIds", "The group '\(overlap.prefix(40))' cannot be both included and excluded.")
            }
            if let enabled = draft.enabled, enabled != before.enabled || action == "mfa.policy.created" {
                if enabled {
                    guard features.contains(.enforceGroups) else {
                        throw CoreError.planUpgradeRequired(
                            .enforceGroups, "Group policies need a plan with mfa.enforce.groups.")
                    }
                    // A policy switched on starts its clock now.
                    policy.enabledAt = now
                }
                policy.enabled = enabled
            }
            guard policy != before || action == "mfa.policy.created" else { return policy }
            policy.updatedAt = now
            try EnforcementStore.save(policy, on: connection)
            var details: [String: AuditValue] = ["after": .strings(Self.describe(policy))]
            if action != "mfa.policy.created" { details["before"] = .strings(Self.describe(before)) }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: action, targetType: "mfa_policy",
                    targetID: policy.id, targetLabel: policy.name, details: details),
                on: connection)
            return policy
        }
    }

    /// A policy as audit lines (`enabled=true`, `includeAll=false`, …).
    static func describe(_ policy: MFAPolicy) -> [String] {
        [
            "name=\(policy.name)", "enabled=\(policy.enabled)", "includeAll=\(policy.includesAllUsers)",
            "include=\(policy.includedGroupIDs.joined(separator: ","))",
            "exclude=\(policy.excludedGroupIDs.joined(separator: ","))", "enrollmentDays=\(policy.enrollmentDays)",
        ]
    }

    static func validateName(_ name: String) throws(CoreError) -> String {
        let clean = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(clean.count) else {
            throw CoreError.invalid("name", "The policy name needs 1 to 120 characters.")
        }
        return clean
    }
}
