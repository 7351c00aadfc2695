/// One result row, with its values copied out of the statement so it can outlive the statement,
/// the connection and the thread that read it.
public struct Row: Sendable {
    /// Column names and source SQL, shared by all rows of one statement.
    @usableFromInline let layout: RowLayout
    /// The column values, in result order.
    public let values: [SQLValue]

    init(layout: RowLayout, values: [SQLValue]) {
        self.layout = layout
        self.values = values
    }

    /// Creates a row by hand, e.g. for tests of code that consumes rows. Extra names or values
    /// beyond the shorter of the two arrays are ignored.
    public init(columns: [String], values: [SQLValue]) {
        let count = min(columns.count, values.count)
        self.layout = RowLayout(names: Array(columns.prefix(count)), sql: nil)
        self.values = Array(values.prefix(count))
    }

    /// Rows with the same columns, e.g. read from another engine: `values` holds one array per
    /// row, in column order; they share one column layout. `sql` is named in decoding errors.
    public static func rows(columns: [String], values: [[SQLValue]], sql: String?) -> [Row] {
        let layout = RowLayout(names: columns, sql: sql)
        return values.map { Row(layout: layout, values: $0) }
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The column names, in result order.
    public var columnNames: [String] { layout.names }

    /// The value at `index` (0-based), or `.null` when `index` is out of range. Use
    /// ``decode(_:as:)-(Int,_)`` to get an error for a bad index instead.
    public subscript(_ index: Int) -> SQLValue {
        values.indices.contains(index) ? values[index] : .null
    }

    /// The value of the column called `name` (ASCII case-insensitive), or `nil` when there is no
    /// such column. A column holding `NULL` gives `.null`, not `nil`.
    public subscript(_ name: String) -> SQLValue? {
        guard let index = layout.index(of: name), index < values.count else { return nil }
        return values[index]
    }

    /// Decodes the column called `column` as `T`.
    ///
    /// - Throws: ``SQLiteError`` with reason ``SQLiteError/Reason/decoding`` when there is no such
    ///   column, when it holds `NULL` and `T` is not optional, or when its storage class does not
    ///   fit `T`.
    @inlinable
    public func decode<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws(SQLiteError) -> T {
        guard let index = layout.index(of: column), index < values.count else {
            throw missingColumn(column)
        }
        if let decoded = T(sqlValue: values[index]) { return decoded }
        throw mismatch(values[index], column: "'\(column)'", as: T.self)
    }

    /// Decodes the value at `index` (0-based) as `T`.
    ///
    /// - Throws: ``SQLiteError`` with reason ``SQLiteError/Reason/decoding`` when `index` is out of
    ///   range, when the value is `NULL` and `T` is not optional, or when it does not fit `T`.
    @inlinable
    public func decode<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws(SQLiteError) -> T {
        guard values.indices.contains(index) else {
            throw missingIndex(index)
        }
        if let decoded = T(sqlValue: values[index]) { return decoded }
        throw mismatch(values[index], column: "\(index)", as: T.self)
    }

    // The error paths build their messages only when a decode fails (the hot path is inlined
    // into callers and specialised for each type).

    @usableFromInline
    func missingColumn(_ column: String) -> SQLiteError {
        .decoding("no column named '\(column)' (columns: \(layout.names.joined(separator: ", ")))", sql: layout.sql)
    }

    @usableFromInline
    func missingIndex(_ index: Int) -> SQLiteError {
        .decoding("no column at index \(index) (the row has \(values.count) columns)", sql: layout.sql)
    }

    @usableFromInline
    func mismatch(_ value: SQLValue, column: String, as type: Any.Type) -> SQLiteError {
        if value.isNull {
            return .decoding("column \(column) is NULL but \(type) is not optional", sql: layout.sql)
        }
        return .decoding(
            "column \(column) holds \(value.storageClassName), which cannot be decoded as \(type)", sql: layout.sql)
    }
}
