public import Foundation

/// Dates written for people (emails, pages): English month names whatever the machine's locale.
public enum DisplayDates {
    /// A formatter for `format` (a `DateFormatter` pattern) in `timeZone`, with the POSIX locale.
    /// Formatters are costly to make and not `Sendable`: make one per use site and keep it there.
    public static func formatter(_ format: String, _ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        return formatter
    }
}
