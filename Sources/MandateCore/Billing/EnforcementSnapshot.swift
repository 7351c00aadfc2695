public import Foundation

/// A part of a tenant's enforcement that a plan feature gates, and that a downgrade lifts.
public enum LiftedSource: String, Sendable, CaseIterable, Codable {
    /// The organization-wide requirement (`mfa.enforce.org`).
    case organization
    /// Users' own requirements (`mfa.enforce.user`).
    case userRequirements = "user_requirements"
    /// Enabled group policies (`mfa.enforce.groups`).
    case groupPolicies = "group_policies"
    /// A sign-out policy other than `none` (`mfa.sign_out_policy`).
    case signOutPolicy = "sign_out_policy"

    /// The feature the source needs.
    public var feature: Feature {
        switch self {
        case .organization: .enforceOrg
        case .userRequirements: .enforceUser
        case .groupPolicies: .enforceGroups
        case .signOutPolicy: .signOutPolicy
        }
    }
}

/// Why enforcement was lifted.
public enum LiftReason: String, Sendable, Codable {
    /// A billing event moved the tenant to a plan without the feature.
    case downgrade
    case canceled
    case trialEnded = "trial_ended"
    /// `past_due` beyond its grace period.
    case pastDueGraceEnded = "past_due_grace_ended"

    /// The reason in a sentence's words: "the trial ended".
    public var phrase: String {
        switch self {
        case .downgrade: "the subscription changed to a plan without it"
        case .canceled: "the subscription was canceled"
        case .trialEnded: "the trial ended"
        case .pastDueGraceEnded: "the payment is overdue beyond the grace period"
        }
    }
}

/// The enforcement configuration a downgrade lifted, kept until an administrator restores it
/// (`POST /api/v1/organization/enforcement/restore`). Only lifted parts are held; a second
/// downgrade before a restore adds to it and keeps what the first one held.
public struct EnforcementSnapshot: Sendable, Equatable, Codable {
    /// The organization-wide requirement as it was (present when it was lifted).
    public struct Organization: Sendable, Equatable, Codable {
        public var enrollmentDays: Int
        public var expiryAction: String
        public var appliesTo: String
    }

    public var organization: Organization?
    /// Whether users' own requirements were lifted (they stay stored on the users; see
    /// `TenantSettings.mfaUserRequirementsLiftedAt`).
    public var userRequirements = false
    /// How many users' own requirements were lifted, for people (the count at the last lift).
    public var userRequirementCount = 0
    /// The group policies switched off.
    public var groupPolicyIDs: [String] = []
    /// The sign-out policy replaced by `none`.
    public var signOutPolicy: String?

    public init() {}

    /// The lifted sources, in a fixed order.
    public var sources: [LiftedSource] {
        var sources: [LiftedSource] = []
        if organization != nil { sources.append(.organization) }
        if userRequirements { sources.append(.userRequirements) }
        if !groupPolicyIDs.isEmpty { sources.append(.groupPolicies) }
        if signOutPolicy != nil { sources.append(.signOutPolicy) }
        return sources
    }

    public var isEmpty: Bool { sources.isEmpty }

    /// This snapshot with what `newer` lifted added; where both hold a part, this (older) one wins,
    /// since it describes the configuration before any downgrade.
    func adding(_ newer: EnforcementSnapshot) -> EnforcementSnapshot {
        var merged = self
        merged.organization = organization ?? newer.organization
        if newer.userRequirements {
            merged.userRequirements = true
            merged.userRequirementCount = max(userRequirementCount, newer.userRequirementCount)
        }
        for id in newer.groupPolicyIDs where !merged.groupPolicyIDs.contains(id) { merged.groupPolicyIDs.append(id) }
        merged.signOutPolicy = signOutPolicy ?? newer.signOutPolicy
        return merged
    }

    /// The parts of `sources` removed.
    func removing(_ sources: Set<LiftedSource>) -> EnforcementSnapshot {
        var rest = self
        if sources.contains(.organization) { rest.organization = nil }
        if sources.contains(.userRequirements) {
            rest.userRequirements = false
            rest.userRequirementCount = 0
        }
        if sources.contains(.groupPolicies) { rest.groupPolicyIDs = [] }
        if sources.contains(.signOutPolicy) { rest.signOutPolicy = nil }
        return rest
    }
}

/// A stored snapshot with when and why it was taken.
public struct StoredEnforcementSnapshot: Sendable, Equatable {
    public var snapshot: EnforcementSnapshot
    public var takenAt: Date
    public var reason: LiftReason
    public var fromPlan: String
    public var toPlan: String
}
