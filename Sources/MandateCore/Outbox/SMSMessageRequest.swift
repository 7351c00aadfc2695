public import Foundation

/// An SMS that a service wants sent.
public struct SMSMessageRequest: Sendable {
    /// The tenant it is sent for.
    public var tenantID: String?
    /// The user it is sent to, if any.
    public var userID: String?
    /// The phone number, E.164.
    public var to: String
    /// The text; for a code, the only clear copy lives in the job payload.
    public var body: String
    /// When set, the SMS is never sent at or after this instant (the code's expiry).
    public var expiresAt: Date?

    /// Creates a request.
    public init(tenantID: String?, userID: String? = nil, to: String, body: String, expiresAt: Date? = nil) {
        self.tenantID = tenantID
        self.userID = userID
        self.to = to
        self.body = body
        self.expiresAt = expiresAt
    }
}
