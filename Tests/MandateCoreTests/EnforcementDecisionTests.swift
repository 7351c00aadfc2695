import Foundation
import Testing

@testable import MandateCore

/// The pure decision of DESIGN.md §3 "Enforcement", one test per rule.
@Suite("Enforcement decision")
struct EnforcementDecisionTests {
    static let day: TimeInterval = 86_400
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let all = Set(Feature.allCases)

    /// An active local user activated at t0 in a tenant with every feature.
    func base() -> EnforcementInput {
        var input = EnforcementInput()
        input.features = Self.all
        input.activatedAt = Self.t0
        return input
    }

    func orgRequired(_ input: inout EnforcementInput, days: Int, at start: Date) {
        input.org.required = true
        input.org.enrollmentDays = days
        input.org.enabledAt = start
    }

    @Test("no requirement: not_enrolled, or enrolled; disabling allowed")
    func noRequirement() {
        var input = base()
        var decision = EnforcementDecision.decide(input, now: Self.t0)
        #expect(decision.status == .notEnrolled)
        #expect(decision.canDisableMFA)
        input.enrolled = true
        decision = EnforcementDecision.decide(input, now: Self.t0)
        #expect(decision.status == .enrolled)
        #expect(decision.canDisableMFA)
    }

    @Test("already enrolled when enforcement starts: still enrolled, but cannot disable MFA")
    func enrolledUnderEnforcement() {
        var input = base()
        input.enrolled = true
        orgRequired(&input, days: 7, at: Self.t0)
        let decision = EnforcementDecision.decide(input, now: Self.t0 + Self.day)
        #expect(decision.status == .enrolled)
        #expect(!decision.canDisableMFA)
    }

    @Test("a grace period, then forced setup; lock_out only after a grace period ran out")
    func periodThenDue() {
        var input = base()
        let start = Self.t0 + 10 * Self.day
        orgRequired(&input, days: 7, at: start)
        let during = EnforcementDecision.decide(input, now: start + 6 * Self.day)
        #expect(during.status == .enrollmentPeriod)
        #expect(during.deadline == start + 7 * Self.day)
        #expect(during.canSkipSetup)
        #expect(!during.canDisableMFA)
        let after = EnforcementDecision.decide(input, now: start + 7 * Self.day)
        #expect(after.status == .setupRequired)
        #expect(!after.canSkipSetup)
        input.expiryAction = .lockOut
        #expect(EnforcementDecision.decide(input, now: start + 7 * Self.day).status == .expired)
        input.org.enrollmentDays = 0
        #expect(EnforcementDecision.decide(input, now: start).status == .setupRequired)
    }

    @Test("invited users are pre_enrollment; the period starts at activation")
    func preEnrollment() {
        var input = base()
        input.userStatus = .invited
        input.activatedAt = nil
        orgRequired(&input, days: 7, at: Self.t0)
        let invited = EnforcementDecision.decide(input, now: Self.t0 + 30 * Self.day)
        #expect(invited.status == .preEnrollment)
        #expect(invited.deadline == nil)
        input.userStatus = .active
        input.activatedAt = Self.t0 + 30 * Self.day
        let activated = EnforcementDecision.decide(input, now: Self.t0 + 30 * Self.day)
        #expect(activated.status == .enrollmentPeriod)
        #expect(activated.deadline == Self.t0 + 37 * Self.day)
    }

    @Test("local_only spares SSO users")
    func localOnly() {
        var input = base()
        orgRequired(&input, days: 0, at: Self.t0)
        input.org.appliesTo = .localOnly
        input.authSource = .sso
        #expect(EnforcementDecision.decide(input, now: Self.t0).status == .notEnrolled)
        input.authSource = .local
        #expect(EnforcementDecision.decide(input, now: Self.t0).status == .setupRequired)
    }

    @Test("several sources: the earliest deadline wins")
    func earliestDeadline() {
        var input = base()
        orgRequired(&input, days: 30, at: Self.t0)
        input.user.required = true
        input.user.enrollmentDays = 5
        input.user.requiredAt = Self.t0 + Self.day
        let decision = EnforcementDecision.decide(input, now: Self.t0 + 2 * Self.day)
        #expect(decision.sources.count == 2)
        #expect(decision.deadline == Self.t0 + 6 * Self.day)
    }

    @Test("a user added to a group under policy gets the period from the day they were added; exclusions win")
    func groupPolicy() {
        var input = base()
        var policy = EnforcementInput.GroupPolicy(id: "pol_1", enabledAt: Self.t0)
        policy.includedGroups = ["grp_eng"]
        policy.excludedGroups = ["grp_contractors"]
        policy.enrollmentDays = 14
        input.groupPolicies = [policy]
        #expect(EnforcementDecision.decide(input, now: Self.t0 + 50 * Self.day).status == .notEnrolled)
        input.memberships = ["grp_eng": Self.t0 + 40 * Self.day]
        let decision = EnforcementDecision.decide(input, now: Self.t0 + 50 * Self.day)
        #expect(decision.status == .enrollmentPeriod)
        #expect(decision.deadline == Self.t0 + 54 * Self.day)
        #expect(decision.sources.first?.kind == .group(id: "pol_1"))
        input.memberships["grp_contractors"] = Self.t0
        #expect(EnforcementDecision.decide(input, now: Self.t0 + 50 * Self.day).status == .notEnrolled)
    }

    @Test("sources the plan lacks are ignored; without mfa.enrollment_period a requirement is due at once")
    func planGating() {
        var input = base()
        orgRequired(&input, days: 7, at: Self.t0)
        input.features = [.selfService, .statusView, .sms, .enforceUser]
        let lifted = EnforcementDecision.decide(input, now: Self.t0)
        #expect(lifted.status == .notEnrolled)
        #expect(lifted.canDisableMFA)
        input.user.required = true
        input.user.enrollmentDays = 7
        input.user.requiredAt = Self.t0
        #expect(EnforcementDecision.decide(input, now: Self.t0).status == .setupRequired)
    }

    @Test("an exemption suspends every requirement until it ends; an enrollment reset restarts the clock")
    func exemptionAndReset() {
        var input = base()
        orgRequired(&input, days: 0, at: Self.t0)
        input.exempt = true
        input.exemptUntil = Self.t0 + 3 * Self.day
        let exempt = EnforcementDecision.decide(input, now: Self.t0 + Self.day)
        #expect(exempt.status == .exempt)
        #expect(exempt.sources.isEmpty)
        #expect(EnforcementDecision.decide(input, now: Self.t0 + 3 * Self.day).status == .setupRequired)
        input.exempt = false
        input.org.enrollmentDays = 7
        input.enrollmentResetAt = Self.t0 + 20 * Self.day
        let reset = EnforcementDecision.decide(input, now: Self.t0 + 21 * Self.day)
        #expect(reset.status == .enrollmentPeriod)
        #expect(reset.deadline == Self.t0 + 27 * Self.day)
    }
}
