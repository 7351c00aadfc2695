public import Foundation
import Synchronization

/// The source of "now" for everything that depends on wall time: deadlines, one-time codes, expiry,
/// sweeps. Injected everywhere so tests can move time.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The machine's real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to: for tests.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    /// Starts at `start` (default: 2026-01-01T00:00:00Z, a fixed point so tests are reproducible).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
