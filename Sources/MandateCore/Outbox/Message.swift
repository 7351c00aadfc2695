public import Foundation

/// One SMS or email as recorded in `messages` (never its text: see ``OutboxSchema``).
public struct Message: Sendable, Hashable {
    /// `msg_…`, also the `webhook-id` of its delivery, stable across retries.
    public var id: String
    /// SMS or email.
    public var channel: MessageChannel
    /// The tenant it belongs to.
    public var tenantID: String?
    /// The user it was sent to, when it was sent to a user.
    public var userID: String?
    /// Phone number (E.164) or email address.
    public var recipient: String
    /// The email subject (nil for SMS).
    public var subject: String?
    /// The delivery status.
    public var status: MessageStatus
    /// A machine-readable failure code (from the provider, or ours: `http_400`, `expired`, …).
    public var errorCode: String?
    /// The job that delivers it (nil once that job was purged).
    public var jobID: Int64?
    /// When it was recorded.
    public var createdAt: Date
    /// When its status last changed.
    public var updatedAt: Date
    /// When the provider reported it delivered.
    public var deliveredAt: Date?
}
