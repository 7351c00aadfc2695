public import Foundation

/// When a periodic task runs: which period an instant belongs to.
public enum Schedule: Sendable, Hashable {
    /// Fixed periods aligned on the Unix epoch (every 15 minutes starts at :00, :15, :30, :45
    /// UTC), so that every process computes the same period boundaries.
    case every(Duration)
    /// One period per calendar day in `timeZone`, starting at local midnight (or the first
    /// instant of the day where a DST change skips midnight).
    case dailyAtMidnight(TimeZone)

    /// The start of the period containing `date`, or nil for an unusable schedule (a period
    /// shorter than a millisecond).
    public func periodStart(containing date: Date) -> Date? {
        switch self {
        case .every(let period):
            let milliseconds = Self.milliseconds(period)
            guard milliseconds >= 1 else { return nil }
            let now = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            // Floor division, also correct before 1970.
            let start = now >= 0 ? now - now % milliseconds : now - ((now % milliseconds) + milliseconds) % milliseconds
            return Date(timeIntervalSince1970: Double(start) / 1000)
        case .dailyAtMidnight(let timeZone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.startOfDay(for: date)
        }
    }

    /// The start of the period after the one containing `date`.
    public func nextPeriodStart(after date: Date) -> Date? {
        guard let start = periodStart(containing: date) else { return nil }
        switch self {
        case .every(let period):
            return start.addingTimeInterval(Double(Self.milliseconds(period)) / 1000)
        case .dailyAtMidnight(let timeZone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            guard let nextDay = calendar.date(byAdding: .day, value: 1, to: start) else { return nil }
            return calendar.startOfDay(for: nextDay)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000_000_000
    }
}
