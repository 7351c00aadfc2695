/// Where a tenant's subscription stands, as reported by the billing system.
public enum SubscriptionStatus: String, Sendable, Codable, CaseIterable {
    case active
    case trialing
    /// Payment failed; the plan keeps working during the grace period.
    case pastDue = "past_due"
    case canceled
}
