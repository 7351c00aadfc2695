public import Foundation

/// What a tenant may use right now: its plan's features while the subscription is `active`,
/// `trialing` (until `trialEndsAt`) or `past_due` (until `pastDueGraceEndsAt`), otherwise the
/// fallback plan's.
public struct Entitlement: Sendable, Equatable {
    /// The plan the tenant subscribes to.
    public let subscribedPlan: Plan
    /// The plan whose features apply now (the fallback when the subscription lapsed).
    public let effectivePlan: Plan

    public init(
        subscribedPlan: Plan, status: SubscriptionStatus, trialEndsAt: Date?, pastDueGraceEndsAt: Date? = nil,
        now: Date, catalog: PlanCatalog
    ) {
        self.subscribedPlan = subscribedPlan
        let inGoodStanding: Bool
        switch status {
        case .active: inGoodStanding = true
        case .pastDue: inGoodStanding = pastDueGraceEndsAt.map { now < $0 } ?? true
        case .trialing: inGoodStanding = trialEndsAt.map { now < $0 } ?? true
        case .canceled: inGoodStanding = false
        }
        effectivePlan = inGoodStanding ? subscribedPlan : catalog.fallback
    }

    /// Whether the subscription lapsed (trial over, past due beyond its grace, or canceled).
    public var isLapsed: Bool { effectivePlan != subscribedPlan }

    public func includes(_ feature: Feature) -> Bool { effectivePlan.includes(feature) }

    public var features: Set<Feature> { effectivePlan.features }

    /// The effective feature names, sorted.
    public var featureNames: [String] { effectivePlan.featureNames }
}
