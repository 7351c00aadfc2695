import Foundation
import Lifecycle
import MandateCore

/// Dates as pages show them: in the organization's time zone, spelled out, with the zone named.
struct PageDates {
    private let formatter: DateFormatter
    private let dayFormatter: DateFormatter
    let timeZoneName: String

    /// Formatters are costly and not Sendable: make one of these per request.
    init(timeZone identifier: String) {
        // An identifier the system does not know (older rows) falls back to UTC rather than failing.
        let timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC") ?? .current
        timeZoneName = TimeZone(identifier: identifier) == nil ? "UTC" : identifier
        formatter = DisplayDates.formatter("d MMMM yyyy 'at' HH:mm", timeZone)
        dayFormatter = DisplayDates.formatter("d MMMM yyyy", timeZone)
    }

    /// `8 January 2026 at 09:30 (Europe/Berlin)`.
    func dateTime(_ date: Date) -> String {
        formatter.string(from: date) + " (\(timeZoneName))"
    }

    /// `8 January 2026`.
    func day(_ date: Date) -> String {
        dayFormatter.string(from: date)
    }

    /// For `<time datetime="…">`.
    static func iso8601(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }
}
