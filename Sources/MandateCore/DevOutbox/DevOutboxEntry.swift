public import Foundation

/// One webhook request that reached the dev outbox, as recorded.
public struct DevOutboxEntry: Sendable, Hashable {
    /// The row id (newest is highest).
    public var id: Int64
    /// Which gateway endpoint it was posted to.
    public var channel: MessageChannel
    /// Its `webhook-id` header (the message id for Mandate's own deliveries), if it had one.
    public var webhookID: String?
    /// When it arrived.
    public var receivedAt: Date
    /// Whether its Standard Webhooks signature verified under the channel's secret.
    public var signatureValid: Bool
    /// Why it did not verify (nil when it did).
    public var signatureError: String?
    /// The body as received.
    public var payload: String

    /// Creates an entry.
    public init(
        id: Int64, channel: MessageChannel, webhookID: String?, receivedAt: Date, signatureValid: Bool,
        signatureError: String?, payload: String
    ) {
        self.id = id
        self.channel = channel
        self.webhookID = webhookID
        self.receivedAt = receivedAt
        self.signatureValid = signatureValid
        self.signatureError = signatureError
        self.payload = payload
    }

    /// The message inside the payload, when the payload is an `sms.send` or `email.send` event
    /// (`{type, timestamp, data: {…}}`); nil for a body of another shape.
    public var message: DevOutboxMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let data = object["data"] as? [String: Any]
        else { return nil }
        func text(_ key: String) -> String? { data[key] as? String }
        return DevOutboxMessage(
            type: object["type"] as? String, messageID: text("messageId"), tenantID: text("tenantId"),
            to: text("to"), body: text("body"), subject: text("subject"), text: text("text"), html: text("html"))
    }
}

/// The fields of an `sms.send` or `email.send` event, all optional because the sender may be
/// anything that found the URL.
public struct DevOutboxMessage: Sendable, Hashable {
    /// The event type (`sms.send`, `email.send`).
    public var type: String?
    /// `data.messageId`.
    public var messageID: String?
    /// `data.tenantId`.
    public var tenantID: String?
    /// The recipient: a phone number or an email address.
    public var to: String?
    /// The SMS text.
    public var body: String?
    /// The email subject.
    public var subject: String?
    /// The email's plain-text part.
    public var text: String?
    /// The email's HTML part.
    public var html: String?
}
