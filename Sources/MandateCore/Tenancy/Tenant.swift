public import Foundation

/// An organization using Mandate, with its subscription and settings.
public struct Tenant: Sendable, Equatable {
    public var id: String
    public var slug: String
    public var name: String
    public var planID: String
    public var subscriptionStatus: SubscriptionStatus
    public var trialEndsAt: Date?
    /// While `past_due`, the plan's features last until then (nil: no end known, they last).
    public var pastDueGraceEndsAt: Date?
    /// The `timestamp` of the last billing event applied; older events change nothing.
    public var billingEventAt: Date?
    /// IANA time zone for "local midnight" sweeps.
    public var timeZone: String
    public var settings: TenantSettings
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, slug: String, name: String, planID: String, subscriptionStatus: SubscriptionStatus,
        trialEndsAt: Date?, timeZone: String, settings: TenantSettings, createdAt: Date, updatedAt: Date,
        pastDueGraceEndsAt: Date? = nil, billingEventAt: Date? = nil
    ) {
        self.pastDueGraceEndsAt = pastDueGraceEndsAt
        self.billingEventAt = billingEventAt
        self.id = id
        self.slug = slug
        self.name = name
        self.planID = planID
        self.subscriptionStatus = subscriptionStatus
        self.trialEndsAt = trialEndsAt
        self.timeZone = timeZone
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What the tenant may use at `now`.
    public func entitlement(catalog: PlanCatalog, now: Date) -> Entitlement {
        Entitlement(
            subscribedPlan: catalog.plan(planID) ?? catalog.fallback, status: subscriptionStatus,
            trialEndsAt: trialEndsAt, pastDueGraceEndsAt: pastDueGraceEndsAt, now: now, catalog: catalog)
    }
}

/// Per-tenant security settings (more arrive with enforcement).
public struct TenantSettings: Sendable, Equatable {
    /// Minimum password length in code points (8…128).
    public var passwordMinLength: Int = 8
    /// Failures before the first lockout (3…100).
    public var lockoutThreshold: Int = 10
    /// Sessions end after this long without use (5…1440 minutes).
    public var sessionIdleMinutes: Int = 30
    /// Sessions end this long after sign-in, used or not (1…720 hours).
    public var sessionAbsoluteHours: Int = 12
    /// Country calling codes (without `+`) that SMS may be sent to; empty allows every country.
    public var smsCountryCodes: [String] = []

    /// The organization-wide MFA requirement (plan feature `mfa.enforce.org`).
    public var mfaRequired = false
    /// Grace period of the organization-wide requirement: 0 = at next sign-in, 1…365 days.
    public var mfaEnrollmentDays = 7
    /// When the organization-wide requirement was last switched on; its clock starts there.
    public var mfaEnabledAt: Date?
    public var mfaExpiryAction = MFAExpiryAction.forceSetup
    public var mfaAppliesTo = MFAAppliesTo.all
    public var mfaSignOutPolicy = MFASignOutPolicy.none
    /// Users' own requirements set at or before this instant were lifted by a downgrade: kept for a
    /// restore, but they no longer apply. Nil when none were lifted.
    public var mfaUserRequirementsLiftedAt: Date?

    public init() {}

    public var lockoutPolicy: LockoutPolicy { LockoutPolicy(threshold: lockoutThreshold) }
}
