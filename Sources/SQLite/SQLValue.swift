/// A value stored in an SQLite column or bound to a statement parameter.
///
/// SQLite has exactly five storage classes (<https://www.sqlite.org/datatype3.html>, section 2);
/// this enum mirrors them one to one so a value read from a row can be bound back unchanged.
public enum SQLValue: Sendable, Hashable {
    /// The SQL `NULL`.
    case null
    /// A signed 64-bit integer (`INTEGER` storage class).
    case integer(Int64)
    /// An IEEE 754 double (`REAL` storage class). SQLite stores NaN as `NULL`.
    case real(Double)
    /// UTF-8 text (`TEXT` storage class).
    case text(String)
    /// Raw bytes (`BLOB` storage class); may contain zero bytes.
    case blob([UInt8])

    /// The SQLite name of the storage class: `NULL`, `INTEGER`, `REAL`, `TEXT` or `BLOB`.
    public var storageClassName: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }

    /// Whether the value is the SQL `NULL`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
