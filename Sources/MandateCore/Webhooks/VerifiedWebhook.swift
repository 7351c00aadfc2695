public import Foundation

/// The facts a verified webhook carries besides its body.
public struct VerifiedWebhook: Sendable, Hashable {
    /// The `webhook-id`: receivers make processing idempotent on it.
    public var id: String
    /// The `webhook-timestamp`, to whole seconds.
    public var timestamp: Date
}
