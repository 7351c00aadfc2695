/// Where a message is in its delivery, as far as Mandate knows.
///
/// Status only moves forward (``rank``): callbacks from a provider arrive late and out of
/// order, and a late `sent` must never hide a `delivered`.
public enum MessageStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Recorded with its job; not yet accepted by the gateway.
    case queued
    /// The gateway accepted it (a 2xx to our webhook, or the provider's own `sent`).
    case sent
    /// The provider reports it reached the handset or mailbox.
    case delivered
    /// The provider reports it could not reach the handset.
    case undelivered
    /// The provider reports it failed.
    case failed
    /// Never sent: its deadline (e.g. the SMS code's expiry) passed first.
    case expired
    /// Never accepted: the job was dead-lettered (permanent error or attempts exhausted).
    case dead

    /// The order statuses move in: queued < {expired, dead} < sent < {delivered, undelivered,
    /// failed}. Expired and dead rank below `sent` because a timed-out attempt may still have
    /// reached the provider, whose later report is the better truth. Statuses of equal rank do
    /// not replace each other: the first final answer stays.
    public var rank: Int {
        switch self {
        case .queued: 0
        case .expired, .dead: 1
        case .sent: 2
        case .delivered, .undelivered, .failed: 3
        }
    }

    /// Whether moving from `self` to `newStatus` is allowed (strictly forward).
    public func canAdvance(to newStatus: MessageStatus) -> Bool {
        newStatus.rank > rank
    }
}
