/// Growing lockout after repeated failures (SECURITY.md: one counter per account for passwords
/// and every one-time code; never more than 100 consecutive failures).
public struct LockoutPolicy: Sendable, Equatable {
    /// The hard ceiling of NIST SP 800-63B §5.2.2: at this count the account stays locked until
    /// an administrator unlocks it.
    public static let hardLimit = 100

    /// Failures before the first lock (tenant setting, 3…100, default 10).
    public var threshold: Int
    /// The first lock's length; each further failure doubles it.
    public var baseDelaySeconds: Int
    /// The longest timed lock.
    public var maximumDelaySeconds: Int

    public init(threshold: Int = 10, baseDelaySeconds: Int = 60, maximumDelaySeconds: Int = 3600) {
        self.threshold = min(max(threshold, 3), Self.hardLimit)
        self.baseDelaySeconds = baseDelaySeconds
        self.maximumDelaySeconds = maximumDelaySeconds
    }

    /// How long to lock after `failures` consecutive failures: nil for no lock, `Int64.max` for
    /// "until an administrator unlocks".
    public func lockMilliseconds(afterFailures failures: Int) -> Int64? {
        if failures >= Self.hardLimit { return Int64.max }
        guard failures >= threshold else { return nil }
        let doublings = min(failures - threshold, 20)
        let seconds = min(baseDelaySeconds << doublings, maximumDelaySeconds)
        return Int64(seconds) * 1000
    }
}
