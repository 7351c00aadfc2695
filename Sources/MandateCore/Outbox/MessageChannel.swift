/// How a message reaches its recipient.
public enum MessageChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// A text message through the SMS gateway.
    case sms
    /// An email through the email gateway.
    case email
}
