/// Constants of `POST /webhooks/billing` (DESIGN.md §4): the event types it handles and the
/// fixed secret of demo mode.
public enum BillingWebhook {
    /// The path the billing provider posts to.
    public static let path = "/webhooks/billing"

    /// The environment variable (and `--billing-webhook-secret` option) with the accepted secrets,
    /// comma-separated during a rotation.
    public static let secretVariable = "MANDATE_BILLING_WEBHOOK_SECRET"

    /// The secret `mandate serve --demo` accepts when none is configured. It is published (README,
    /// start-up banner, `Fixtures/webhooks/`), so it protects nothing: never use it outside demo mode.
    public static let demoSecret = "whsec_bWFuZGF0ZS1kZW1vLWJpbGxpbmctc2VjcmV0LTAwMDE="

    /// The event types handled.
    public enum EventType: String, Sendable, CaseIterable {
        case subscriptionUpdated = "subscription.updated"
        case subscriptionCanceled = "subscription.canceled"
        case trialEnded = "trial.ended"
    }
}
