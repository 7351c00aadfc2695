/// One result row, with its values copied out of libpq's result so it outlives the query, the
/// connection and the thread that read it.
public struct PostgresRow: Sendable {
    /// The column names, in result order (shared by all rows of one result).
    public let columnNames: [String]
    /// The column values, in result order.
    public let values: [PostgresValue]

    /// Creates a row; the two arrays have the same length.
    public init(columnNames: [String], values: [PostgresValue]) {
        precondition(columnNames.count == values.count, "a row needs one name per value")
        self.columnNames = columnNames
        self.values = values
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The value at `index` (0-based); out of range is a programming error.
    public subscript(_ index: Int) -> PostgresValue { values[index] }

    /// The value of the first column called `name` (exact match: PostgreSQL folds unquoted names
    /// to lower case), or `nil` when there is no such column. A `NULL` gives `.null`, not `nil`.
    public subscript(_ name: String) -> PostgresValue? {
        columnNames.firstIndex(of: name).map { values[$0] }
    }
}
