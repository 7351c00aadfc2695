import Foundation

/// Parses `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
enum RetryAfter {
    /// The wait the header asks for, measured from `now`; zero for a date in the past; nil when
    /// the value is neither form.
    static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // delay-seconds = 1*DIGIT; absurdly long values saturate (the retry policy caps them).
            return .seconds(Int64(trimmed.prefix(12)) ?? 0)
        }
        guard let date = httpDate(trimmed) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }

    /// RFC 9110 §5.6.7: recipients accept IMF-fixdate and the two obsolete formats.
    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT
        "EEE MMM d HH:mm:ss yyyy",  // asctime-date: Sun Nov  6 08:49:37 1994
    ]

    private static func httpDate(_ text: String) -> Date? {
        // asctime pads single-digit days with a space; collapse runs of spaces for the parser.
        let normalized = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        // DateFormatter is not Sendable, so one is made per call; Retry-After dates are rare.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in httpDateFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
