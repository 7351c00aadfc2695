/// The single error type of webhook signing and verification (Standard Webhooks).
///
/// Inbound routes answer 401 for every reason except `malformedSecret`, which is a
/// configuration mistake of ours (500, logged). Messages never contain a secret or a signature.
public struct WebhookVerificationError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable classification of a failure.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty.
        case missingHeader
        /// `webhook-timestamp` is not a whole number of seconds since 1970.
        case badTimestamp
        /// The timestamp is older than the tolerance allows (a replay, or a slow retry queue).
        case timestampTooOld
        /// The timestamp is further in the future than the tolerance allows.
        case timestampTooNew
        /// No `v1` signature in the header matches the body under any of the secrets.
        case noMatchingSignature
        /// A secret is not `whsec_` followed by base64 of at least 16 bytes.
        case malformedSecret
    }

    /// What went wrong, for code.
    public let reason: Reason
    /// What went wrong, for people.
    public let message: String

    /// Creates an error with a reason and a human-readable message.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `"WebhookVerificationError(<reason>): <message>"`, for logs.
    public var description: String {
        "WebhookVerificationError(\(reason.rawValue)): \(message)"
    }
}
