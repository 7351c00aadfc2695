/// A verified `sms.status` callback from the SMS provider (DESIGN.md §4):
/// `{type: "sms.status", data: {messageId, status, errorCode?}}`.
public struct SMSStatusCallback: Sendable, Hashable {
    /// The `webhook-id` it was signed with: processing is idempotent on it.
    public var webhookID: String
    /// The message (`msg_…`) the status is about.
    public var messageID: String
    /// What the provider reports.
    public var status: ProviderMessageStatus
    /// The provider's failure code, if any.
    public var errorCode: String?

    /// Creates a callback.
    public init(webhookID: String, messageID: String, status: ProviderMessageStatus, errorCode: String? = nil) {
        self.webhookID = webhookID
        self.messageID = messageID
        self.status = status
        self.errorCode = errorCode
    }
}

/// What ``SMSStatusUpdates/apply(_:ipAddress:)`` did with a callback.
public enum SMSStatusCallbackResult: Sendable, Hashable {
    /// The message's status moved forward (and `sms.status.updated` was audited).
    case applied
    /// The message already had this status or a later one; nothing changed.
    case ignoredStale
    /// This `webhook-id` was processed before; nothing changed again.
    case duplicate
    /// No message has this id; nothing changed (the rejection was audited).
    case unknownMessage
}

/// Why an `sms.status` callback was refused, as recorded in the audit event's `details.reason`.
public enum SMSStatusRejection: String, Sendable, Hashable, CaseIterable {
    /// No webhook secret is configured, so nothing can be verified.
    case notConfigured = "not_configured"
    /// A configured secret is not a valid `whsec_` secret (our mistake, not the sender's).
    case misconfiguredSecret = "misconfigured_secret"
    /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is missing.
    case missingHeader = "missing_header"
    /// `webhook-timestamp` is not a whole number of seconds.
    case badTimestamp = "bad_timestamp"
    /// The timestamp is more than the tolerance in the past.
    case timestampTooOld = "timestamp_too_old"
    /// The timestamp is more than the tolerance in the future.
    case timestampTooNew = "timestamp_too_new"
    /// No signature matches under any configured secret.
    case badSignature = "bad_signature"
    /// The signed body is not a JSON object.
    case malformedJSON = "malformed_json"
    /// The event type is not `sms.status`.
    case unknownType = "unknown_type"
    /// `data` lacks a field or holds a value of the wrong kind (an unknown status).
    case invalidPayload = "invalid_payload"
    /// No message has the id in `data.messageId`.
    case unknownMessage = "unknown_message"
}
