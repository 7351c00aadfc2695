/// The payload of an `sms.send` job, and the `data` of the `sms.send` webhook (DESIGN.md §4).
public struct SMSSendPayload: Sendable, Hashable, Codable {
    /// The message id (`msg_…`), also used as the webhook id.
    public var messageId: String
    /// The phone number, E.164.
    public var to: String
    /// The text.
    public var body: String
    /// The tenant.
    public var tenantId: String?

    /// Creates a payload.
    public init(messageId: String, to: String, body: String, tenantId: String?) {
        self.messageId = messageId
        self.to = to
        self.body = body
        self.tenantId = tenantId
    }
}
