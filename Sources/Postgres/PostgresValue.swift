/// A value read from a PostgreSQL column or bound to a `$n` parameter.
///
/// The cases cover the types Mandate stores; a column of another type (`numeric`, `uuid`, arrays,
/// ...) fails to decode with ``PostgresError/Reason/decoding`` and should be cast in SQL (`::text`,
/// `::float8`). Reading maps PostgreSQL types to cases as follows:
///
/// | PostgreSQL                                            | case                         |
/// |-------------------------------------------------------|------------------------------|
/// | `boolean`                                             | ``bool(_:)``                 |
/// | `smallint`, `integer`, `bigint`, `oid`                | ``int64(_:)``                |
/// | `real`, `double precision`                            | ``double(_:)``               |
/// | `text`, `varchar`, `char(n)`, `name`, `json`, `jsonb` | ``text(_:)``                 |
/// | `bytea`                                               | ``bytea(_:)``                |
/// | `timestamptz`, `timestamp` (taken as UTC)             | ``timestamp(milliseconds:)`` |
/// | SQL `NULL` of any type                                | ``null``                     |
public enum PostgresValue: Sendable, Hashable {
    /// The SQL `NULL`. As a parameter its type is inferred by the server from the context.
    case null
    /// `boolean`.
    case bool(Bool)
    /// A signed 64-bit integer; a parameter is sent as `bigint` (int8).
    case int64(Int64)
    /// An IEEE 754 double; a parameter is sent as `double precision` (float8).
    case double(Double)
    /// UTF-8 text. A parameter is sent as text of *unknown* type, so the server infers the column's
    /// type (a text parameter can fill a `uuid`, `jsonb` or `numeric` column). PostgreSQL text
    /// cannot hold U+0000: such a parameter is rejected with ``PostgresError/Reason/misuse``.
    case text(String)
    /// Raw bytes (`bytea`); may contain zero bytes.
    case bytea([UInt8])
    /// An instant as whole milliseconds since 1970-01-01 00:00:00 UTC; a parameter is sent as
    /// `timestamptz`. PostgreSQL keeps microseconds: reading truncates them towards the past.
    /// `'infinity'` and `'-infinity'` read as `Int64.max` and `Int64.min`.
    case timestamp(milliseconds: Int64)

    /// Whether the value is the SQL `NULL`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean, or `nil` for any other case.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, or `nil` for any other case.
    public var int64: Int64? {
        if case .int64(let value) = self { return value }
        return nil
    }

    /// The double, or `nil` for any other case.
    public var double: Double? {
        if case .double(let value) = self { return value }
        return nil
    }

    /// The text, or `nil` for any other case.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The bytes, or `nil` for any other case.
    public var bytea: [UInt8]? {
        if case .bytea(let value) = self { return value }
        return nil
    }

    /// Milliseconds since the Unix epoch, or `nil` for any other case.
    public var timestampMilliseconds: Int64? {
        if case .timestamp(let value) = self { return value }
        return nil
    }

    /// The name of the case, for error messages.
    var kindName: String {
        switch self {
        case .null: "NULL"
        case .bool: "bool"
        case .int64: "int64"
        case .double: "double"
        case .text: "text"
        case .bytea: "bytea"
        case .timestamp: "timestamp"
        }
    }
}
