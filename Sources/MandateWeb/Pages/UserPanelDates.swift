import Foundation

/// Days as the exemption forms (a person's panel, the people list's bulk change) read and write
/// them (`yyyy-MM-dd`, in the organization's zone).
enum UserPanelDates {
    /// The calendar of `identifier` (UTC when unknown, as ``PageDates`` does).
    static func calendar(_ identifier: String) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC") ?? .current
        return calendar
    }

    /// The end of the day `text` (`yyyy-MM-dd`): the next midnight in the zone. Nil unless `text`
    /// is a real calendar day of the years 2000–9999.
    static func endOfDay(_ text: String, timeZone: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (2000...9999).contains(year)
        else { return nil }
        let calendar = calendar(timeZone)
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        // `date(from:)` rolls 30 February over to March: only a day that reads back the same is real.
        let check = calendar.dateComponents([.year, .month, .day], from: start)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// `yyyy-MM-dd` of `date` in the zone.
    static func day(_ date: Date, timeZone: String) -> String {
        let parts = calendar(timeZone).dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The last day an exemption ending at `end` covers.
    static func lastDay(before end: Date, timeZone: String) -> String {
        day(end.addingTimeInterval(-1), timeZone: timeZone)
    }
}
