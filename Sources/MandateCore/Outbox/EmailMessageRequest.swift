/// An email that a service wants sent.
public struct EmailMessageRequest: Sendable {
    /// The tenant it is sent for.
    public var tenantID: String?
    /// The user it is sent to, if any.
    public var userID: String?
    /// The recipient address.
    public var to: String
    /// The subject line.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// The HTML body.
    public var html: String

    /// Creates a request.
    public init(tenantID: String?, userID: String? = nil, to: String, subject: String, text: String, html: String) {
        self.tenantID = tenantID
        self.userID = userID
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }
}
