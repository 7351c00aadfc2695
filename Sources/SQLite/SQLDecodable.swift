public import Foundation

/// A Swift value that can be read from a column value.
///
/// Decoding is strict about storage classes so that schema mistakes surface as errors instead of
/// silently converted values. The only widening conversions are `INTEGER` → `Double` (exact for
/// magnitudes up to 2^53) and `INTEGER` → `Bool` (0 is false, anything else true).
///
/// Times: ``Foundation/Date`` decodes from an `INTEGER` holding milliseconds since
/// 1970-01-01T00:00:00Z, the format ``SQLBindable`` writes.
public protocol SQLDecodable {
    /// Creates a value from `sqlValue`, or returns `nil` when the storage class (or range) does not
    /// fit this type. Non-optional types return `nil` for `.null`; ``Row`` turns that into a
    /// "NULL in a non-optional column" error.
    init?(sqlValue: SQLValue)
}

extension SQLValue: SQLDecodable {
    /// Accepts any value, including `NULL`.
    public init?(sqlValue: SQLValue) {
        self = sqlValue
    }
}

extension Int: SQLDecodable {
    /// Accepts `INTEGER`.
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue, let exact = Int(exactly: value) else { return nil }
        self = exact
    }
}

extension Int64: SQLDecodable {
    /// Accepts `INTEGER`.
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Int32: SQLDecodable {
    /// Accepts `INTEGER` values within `Int32` range.
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue, let exact = Int32(exactly: value) else { return nil }
        self = exact
    }
}

extension Bool: SQLDecodable {
    /// Accepts `INTEGER`: 0 is false, any other value true.
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue else { return nil }
        self = value != 0
    }
}

extension Double: SQLDecodable {
    /// Accepts `REAL`, and `INTEGER` converted to the nearest double.
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension String: SQLDecodable {
    /// Accepts `TEXT`.
    public init?(sqlValue: SQLValue) {
        guard case .text(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Array: SQLDecodable where Element == UInt8 {
    /// Accepts `BLOB`.
    public init?(sqlValue: SQLValue) {
        guard case .blob(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Date: SQLDecodable {
    /// Accepts `INTEGER` milliseconds since 1970-01-01T00:00:00Z.
    public init?(sqlValue: SQLValue) {
        guard case .integer(let milliseconds) = sqlValue else { return nil }
        self.init(sqliteMilliseconds: milliseconds)
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    /// `NULL` decodes as `nil`; any other value must decode as `Wrapped`.
    public init?(sqlValue: SQLValue) {
        if case .null = sqlValue {
            self = .none
            return
        }
        guard let wrapped = Wrapped(sqlValue: sqlValue) else { return nil }
        self = .some(wrapped)
    }
}
