public import Foundation

/// The MFA status of a user (DESIGN.md §3 "Enforcement"): one value, shown everywhere, filterable.
public enum MFAStatus: String, Sendable, CaseIterable {
    case enrolled
    case notEnrolled = "not_enrolled"
    case preEnrollment = "pre_enrollment"
    case enrollmentPeriod = "enrollment_period"
    case setupRequired = "setup_required"
    case expired
    case exempt
}

/// What happens past an enrollment deadline.
public enum MFAExpiryAction: String, Sendable, CaseIterable {
    /// The user must set up MFA at sign-in, without a skip (the default).
    case forceSetup = "force_setup"
    /// The user cannot sign in until an admin resets their enrollment period.
    case lockOut = "lock_out"
}

/// Whether signed-in users who must set up MFA are signed out (plan feature `mfa.sign_out_policy`).
public enum MFASignOutPolicy: String, Sendable, CaseIterable {
    /// Sessions go on; the requirement applies at the next sign-in (the default).
    case none
    /// Non-compliant sessions end at the tenant's next local midnight.
    case midnight
    /// Non-compliant sessions end at once.
    case immediately
}

/// Who the organization-wide requirement covers.
public enum MFAAppliesTo: String, Sendable, CaseIterable {
    case all
    /// Users signing in with a password; SSO users are spared (their IdP does MFA).
    case localOnly = "local_only"
}

/// Everything the decision needs about one user and their tenant. Plain values, no storage: the
/// same rule is meant to be expressed in SQL for lists and counts (issue 6).
public struct EnforcementInput: Sendable {
    public struct OrgPolicy: Sendable {
        public var required = false
        public var enrollmentDays = 0
        public var appliesTo = MFAAppliesTo.all
        public var enabledAt: Date?
        public init() {}
    }

    public struct UserRequirement: Sendable {
        public var required = false
        public var enrollmentDays = 0
        public var requiredAt: Date?
        /// A downgrade lifted the requirements set at or before this instant (the tenant's
        /// `mfaUserRequirementsLiftedAt`): such a requirement is kept, but does not apply.
        public var liftedAt: Date?
        public init() {}

        /// Whether the requirement is on and was not lifted.
        public var isInForce: Bool {
            guard required, let liftedAt else { return required }
            return (requiredAt ?? .distantPast) > liftedAt
        }
    }

    public struct GroupPolicy: Sendable {
        public var id: String
        public var enabled = true
        /// Every user of the tenant, or only members of `includedGroups`.
        public var includesAllUsers = false
        public var includedGroups: Set<String> = []
        public var excludedGroups: Set<String> = []
        public var enrollmentDays = 0
        public var enabledAt: Date
        public init(id: String, enabledAt: Date) {
            self.id = id
            self.enabledAt = enabledAt
        }
    }

    public var features: Set<Feature> = []
    public var expiryAction = MFAExpiryAction.forceSetup
    public var org = OrgPolicy()
    public var user = UserRequirement()
    public var groupPolicies: [GroupPolicy] = []
    /// The user's groups and when they were added to each.
    public var memberships: [String: Date] = [:]
    public var userStatus = UserStatus.active
    /// Owners are never locked out (`lock_out` gives them forced setup): someone must always be
    /// able to sign in and reset the others.
    public var role = Role.member
    public var authSource = AuthSource.local
    public var activatedAt: Date?
    /// The last admin reset of the user's enrollment period.
    public var enrollmentResetAt: Date?
    /// An exemption is active while `exempt` and (no end, or the end is in the future).
    public var exempt = false
    public var exemptUntil: Date?
    /// At least one active TOTP or SMS factor.
    public var enrolled = false

    public init() {}
}

/// The outcome for one user at one instant.
public struct EnforcementDecision: Sendable, Equatable {
    public enum SourceKind: Sendable, Equatable {
        case org
        case user
        case group(id: String)
    }

    /// A requirement that applies, with its own start and deadline.
    public struct Source: Sendable, Equatable {
        public var kind: SourceKind
        public var start: Date
        public var deadline: Date
        /// Whether the source gave a grace period (`deadline > start`).
        public var hasGracePeriod: Bool { deadline > start }
    }

    public var status: MFAStatus
    /// Entitled requirements that apply (empty when exempt or none applies).
    public var sources: [Source]
    /// The earliest deadline of `sources` (nil before activation or without a requirement).
    public var deadline: Date?
    /// Whether the user may skip setup at sign-in (only during an enrollment period).
    public var canSkipSetup: Bool
    /// Whether the user may turn MFA off (no requirement applies).
    public var canDisableMFA: Bool

    /// Decides (DESIGN.md §3): sources the plan does not include are ignored; a source applies from
    /// `max(source start, activation, group membership, enrollment reset)` for its enrollment days
    /// (0 without `mfa.enrollment_period`); the earliest deadline wins; `lock_out` only follows a
    /// grace period that ran out.
    public static func decide(_ input: EnforcementInput, now: Date) -> EnforcementDecision {
        let exemptionActive = input.exempt && (input.exemptUntil.map { $0 > now } ?? true)
        let sources = exemptionActive ? [] : applicableSources(input)
        let earliest = sources.map(\.deadline).min()
        let required = !sources.isEmpty
        let status: MFAStatus
        if input.enrolled {
            status = .enrolled
        } else if exemptionActive {
            status = .exempt
        } else if !required {
            status = .notEnrolled
        } else if input.userStatus == .invited || input.activatedAt == nil {
            status = .preEnrollment
        } else if let earliest, earliest > now {
            status = .enrollmentPeriod
        } else if input.expiryAction == .lockOut, input.role != .owner, let earliest,
            // Only a grace period that ran out locks the user out; a source due at once (also on a
            // tie with a graced one) means forced setup.
            !sources.contains(where: { $0.deadline == earliest && !$0.hasGracePeriod })
        {
            status = .expired
        } else {
            status = .setupRequired
        }
        return EnforcementDecision(
            status: status, sources: sources,
            deadline: status == .preEnrollment ? nil : earliest,
            canSkipSetup: status == .enrollmentPeriod, canDisableMFA: !required)
    }

    private static func applicableSources(_ input: EnforcementInput) -> [Source] {
        let features = input.features
        let gracePeriods = features.contains(.enrollmentPeriod)
        var floor = input.activatedAt ?? .distantPast
        if let reset = input.enrollmentResetAt { floor = max(floor, reset) }
        func source(_ kind: SourceKind, from start: Date?, days: Int, extra: Date? = nil) -> Source {
            var begin = max(start ?? .distantPast, floor)
            if let extra { begin = max(begin, extra) }
            let grace = gracePeriods ? max(0, min(days, 365)) : 0
            return Source(kind: kind, start: begin, deadline: begin.addingTimeInterval(Double(grace) * 86_400))
        }
        var sources: [Source] = []
        if features.contains(.enforceOrg), input.org.required,
            input.org.appliesTo == .all || input.authSource == .local
        {
            sources.append(source(.org, from: input.org.enabledAt, days: input.org.enrollmentDays))
        }
        if features.contains(.enforceUser), input.user.isInForce {
            sources.append(source(.user, from: input.user.requiredAt, days: input.user.enrollmentDays))
        }
        if features.contains(.enforceGroups) {
            for policy in input.groupPolicies where policy.enabled {
                guard !policy.excludedGroups.contains(where: { input.memberships[$0] != nil }) else { continue }
                if policy.includesAllUsers {
                    sources.append(source(.group(id: policy.id), from: policy.enabledAt, days: policy.enrollmentDays))
                } else {
                    let added = policy.includedGroups.compactMap { input.memberships[$0] }
                    // The earliest membership in an included group starts the clock.
                    guard let joined = added.min() else { continue }
                    sources.append(
                        source(
                            .group(id: policy.id), from: policy.enabledAt, days: policy.enrollmentDays, extra: joined))
                }
            }
        }
        return sources
    }
}
