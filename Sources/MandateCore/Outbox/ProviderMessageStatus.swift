/// A delivery status reported by the SMS provider's `sms.status` callback (DESIGN.md §4).
public enum ProviderMessageStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Handed to the carrier.
    case sent
    /// Reached the handset.
    case delivered
    /// Could not reach the handset.
    case undelivered
    /// Failed.
    case failed

    var messageStatus: MessageStatus {
        switch self {
        case .sent: .sent
        case .delivered: .delivered
        case .undelivered: .undelivered
        case .failed: .failed
        }
    }
}
