public import Foundation

/// A Swift value that can be bound to a statement parameter.
///
/// Conforming types convert themselves to one of the five SQLite storage classes. `nil` of any
/// `Optional` whose wrapped type is bindable binds `NULL`.
///
/// Times: ``Foundation/Date`` binds as an `INTEGER` holding **milliseconds since
/// 1970-01-01T00:00:00Z** (Unix epoch, UTC), rounded to the nearest millisecond. The whole project
/// stores instants this way, so SQL can compare and index them as plain integers.
public protocol SQLBindable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    /// The value itself.
    public var sqlValue: SQLValue { self }
}

extension Int: SQLBindable {
    /// Binds as `INTEGER`.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    /// Binds as `INTEGER`.
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int32: SQLBindable {
    /// Binds as `INTEGER`.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Bool: SQLBindable {
    /// Binds as `INTEGER` 1 (true) or 0 (false), SQLite's boolean convention.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Double: SQLBindable {
    /// Binds as `REAL`. SQLite stores NaN as `NULL`.
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    /// Binds as UTF-8 `TEXT`.
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    /// Binds as `BLOB` (an empty array binds a zero-length blob, not `NULL`).
    public var sqlValue: SQLValue { .blob(self) }
}

extension Date: SQLBindable {
    /// Binds as `INTEGER` milliseconds since 1970-01-01T00:00:00Z, rounded to the nearest millisecond.
    ///
    /// Dates outside the `Int64` millisecond range (and NaN) are clamped rather than trapping.
    public var sqlValue: SQLValue { .integer(sqliteMilliseconds) }

    /// Milliseconds since the Unix epoch, rounded to nearest and clamped to `Int64`.
    var sqliteMilliseconds: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        // 2^63 is exactly representable as a Double; anything at or beyond it (or NaN) is clamped.
        guard milliseconds < 9_223_372_036_854_775_808.0 else { return .max }
        guard milliseconds >= -9_223_372_036_854_775_808.0 else { return .min }
        return Int64(milliseconds)
    }

    /// Creates a date from milliseconds since 1970-01-01T00:00:00Z.
    init(sqliteMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value's binding, or `NULL` for `nil`.
    public var sqlValue: SQLValue {
        switch self {
        case .none: .null
        case .some(let wrapped): wrapped.sqlValue
        }
    }
}
