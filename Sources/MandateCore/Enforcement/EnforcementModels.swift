public import Foundation

/// A user's own requirement and exemption, set by an administrator (columns of `users`).
public struct UserMFASettings: Sendable, Equatable {
    /// Required for this user alone (plan feature `mfa.enforce.user`), and not lifted by a downgrade.
    public var required = false
    /// The user's requirement was lifted by a downgrade: it no longer applies, and comes back only
    /// when an administrator restores the previous enforcement (or requires MFA of the user again).
    public var liftedByDowngrade = false
    /// Grace period of the user's own requirement: 0 = at next sign-in.
    public var enrollmentDays = 0
    /// When the user's own requirement was switched on.
    public var requiredAt: Date?
    /// Every requirement is suspended while the exemption lasts (any plan).
    public var exempt = false
    /// The end of the exemption; nil = until lifted.
    public var exemptUntil: Date?
    /// The last admin reset of the enrollment period: every source's clock restarts there.
    public var enrollmentResetAt: Date?

    public init() {}

    /// Whether the exemption is in force at `now`.
    public func isExempt(at now: Date) -> Bool { exempt && (exemptUntil.map { $0 > now } ?? true) }
}

/// A group policy (plan feature `mfa.enforce.groups`): requires MFA of every user, or of the members
/// of listed groups, except members of excluded groups.
public struct MFAPolicy: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var enabled: Bool
    public var includesAllUsers: Bool
    public var includedGroupIDs: [String]
    public var excludedGroupIDs: [String]
    public var enrollmentDays: Int
    /// When the policy was last switched on (its clock starts there).
    public var enabledAt: Date
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, name: String, enabled: Bool, includesAllUsers: Bool,
        includedGroupIDs: [String], excludedGroupIDs: [String], enrollmentDays: Int, enabledAt: Date,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.enabled = enabled
        self.includesAllUsers = includesAllUsers
        self.includedGroupIDs = includedGroupIDs
        self.excludedGroupIDs = excludedGroupIDs
        self.enrollmentDays = enrollmentDays
        self.enabledAt = enabledAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The policy as the decision function sees it.
    var decisionInput: EnforcementInput.GroupPolicy {
        var policy = EnforcementInput.GroupPolicy(id: id, enabledAt: enabledAt)
        policy.enabled = enabled
        policy.includesAllUsers = includesAllUsers
        policy.includedGroups = Set(includedGroupIDs)
        policy.excludedGroups = Set(excludedGroupIDs)
        policy.enrollmentDays = enrollmentDays
        return policy
    }
}

/// A user's MFA situation as every surface shows it: the decision plus what it was made from.
public struct MFAEnforcementView: Sendable {
    public let decision: EnforcementDecision
    public let settings: UserMFASettings
    /// Whether an exemption was in force when the decision was made.
    public let exemptNow: Bool

    public init(decision: EnforcementDecision, settings: UserMFASettings, exemptNow: Bool) {
        self.decision = decision
        self.settings = settings
        self.exemptNow = exemptNow
    }
}
