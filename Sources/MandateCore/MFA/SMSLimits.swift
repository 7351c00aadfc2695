public import Foundation

/// SMS one-time codes and their anti-abuse limits (SECURITY.md "One-time codes", "SMS abuse").
///
/// Every limit is checked before anything is queued, in the same write transaction that queues
/// the SMS, so parallel requests cannot slip past a limit together.
public struct SMSLimits: Sendable, Equatable {
    /// How long a code is accepted (and may still be delivered).
    public var codeLifetime: TimeInterval = 600
    /// Wrong answers a code survives; the next try is refused even with the right code.
    public var maximumWrongAttempts = 5
    /// The pause a user waits before a second code; it doubles with each further code
    /// (30 s → 60 s → 120 s …) while codes keep coming within `userWindow`.
    public var firstResendDelay: TimeInterval = 30
    /// The longest pause between two codes to one user.
    public var maximumResendDelay: TimeInterval = 3600
    /// Codes to one user are counted over this window to grow the pause.
    public var userWindow: TimeInterval = 3600
    /// At most this many codes to one phone number (any user, any tenant) …
    public var perNumberLimit = 3
    /// … within this window.
    public var perNumberWindow: TimeInterval = 600
    /// At most this many codes per tenant per hour.
    public var perTenantHourly = 1000
    /// At most this many codes per hour across the whole service.
    public var globalHourly = 10_000

    public init() {}

    /// The pause required after `recentCount` codes to the user within `userWindow`.
    public func resendDelay(afterCodes recentCount: Int) -> TimeInterval {
        guard recentCount > 0 else { return 0 }
        let exponent = min(recentCount - 1, 20)
        return min(firstResendDelay * Double(1 << exponent), maximumResendDelay)
    }
}
