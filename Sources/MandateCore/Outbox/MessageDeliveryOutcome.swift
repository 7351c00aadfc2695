/// What the delivery job learned about a message, recorded by
/// ``MessageStore/recordDeliveryOutcome(jobID:outcome:on:now:)``.
public enum MessageDeliveryOutcome: Sendable, Hashable {
    /// The gateway answered 2xx: the message is `sent`.
    case accepted
    /// The deadline passed before it could be sent: `expired`.
    case expired
    /// The job was dead-lettered: `dead`, with a short machine-readable code (`http_400`,
    /// `exhausted`, …).
    case dead(errorCode: String)

    var status: MessageStatus {
        switch self {
        case .accepted: .sent
        case .expired: .expired
        case .dead: .dead
        }
    }

    var errorCode: String? {
        switch self {
        case .accepted: nil
        case .expired: "expired"
        case .dead(let code): code
        }
    }
}
