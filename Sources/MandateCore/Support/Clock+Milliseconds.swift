public import Foundation

extension Date {
    /// Whole milliseconds since 1970 (how the database stores times).
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The date for whole milliseconds since 1970.
    public init(millisecondsSince1970 value: Int64) {
        self.init(timeIntervalSince1970: Double(value) / 1000)
    }
}
