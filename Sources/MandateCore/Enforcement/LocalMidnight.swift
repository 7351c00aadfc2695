import Foundation

/// A tenant's local midnight, for the sign-out policy `midnight` (DESIGN.md §3 "Enforcement").
enum LocalMidnight {
    /// The most recent local midnight at or before `now` in `timeZone`: the first instant of the
    /// local calendar day that contains `now`.
    ///
    /// Foundation's calendar handles the daylight-saving edge cases, so every local day has exactly
    /// one value: where a change skips midnight (America/Santiago in September, 00:00 → 01:00) the
    /// day starts at 01:00; where midnight happens twice (America/Havana in November, 01:00 →
    /// 00:00) it is the first one, and the repeated hour belongs to the same day.
    static func mostRecent(atOrBefore now: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: now)
    }

    /// The tenant's time zone; an identifier the system does not know (the settings API refuses
    /// them, but rows may be older) falls back to UTC rather than stopping the sweep.
    static func timeZone(identifier: String) -> TimeZone {
        TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC") ?? .current
    }
}
