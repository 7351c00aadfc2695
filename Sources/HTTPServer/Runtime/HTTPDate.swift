import Glibc

/// The `Date` header (RFC 9110 §6.6.1: an origin server with a clock MUST send it), in IMF-fixdate.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for now.
    static func headerLine() -> [UInt8] {
        Array(("Date: " + now() + "\r\n").utf8)
    }

    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return days[Int(parts.tm_wday)] + ", " + two(parts.tm_mday) + " " + months[Int(parts.tm_mon)] + " "
            + String(parts.tm_year + 1900) + " " + two(parts.tm_hour) + ":" + two(parts.tm_min) + ":"
            + two(parts.tm_sec) + " GMT"
    }
}
