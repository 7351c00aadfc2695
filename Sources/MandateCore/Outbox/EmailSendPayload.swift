/// The payload of an `email.send` job, and the `data` of the `email.send` webhook (DESIGN.md §4).
public struct EmailSendPayload: Sendable, Hashable, Codable {
    /// The message id (`msg_…`), also used as the webhook id.
    public var messageId: String
    /// The recipient address.
    public var to: String
    /// The subject line.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// The HTML body.
    public var html: String
    /// The tenant.
    public var tenantId: String?

    /// Creates a payload.
    public init(messageId: String, to: String, subject: String, text: String, html: String, tenantId: String?) {
        self.messageId = messageId
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.tenantId = tenantId
    }
}
