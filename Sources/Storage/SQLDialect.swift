/// The SQL dialect of a ``Database``: the seam between the stores and the two engines.
///
/// Stores write their SQL once, in the common subset of SQLite and PostgreSQL, with `?` or `:name`
/// parameters (``Connection`` rewrites them to `$1`, `$2`, … for PostgreSQL). Where the engines
/// differ, a store asks its connection's dialect for the fragment instead of spelling it out, so the
/// difference lives here and nowhere else:
///
/// | need | SQLite | PostgreSQL |
/// |---|---|---|
/// | greatest / least of several values | `MAX(a, b)` / `MIN(a, b)` | `GREATEST(a, b)` / `LEAST(a, b)` |
/// | a condition as 0 or 1 | `(c)` | `(c)::int` |
/// | the elements of a JSON array parameter | `json_each(?)`, column `value` | `json_array_elements_text(?::json)`, column `value` |
/// | joining strings of a group | `group_concat(x)` | `string_agg(x, ',')` |
/// | a subquery the planner must not flatten | `LIMIT -1` | `OFFSET 0` |
/// | an index hint | `INDEXED BY name` | nothing |
///
/// Everything else (`ON CONFLICT`, `RETURNING`, `COALESCE`, `CASE`, `||`, `<<`, `LIKE … ESCAPE`,
/// partial indexes) is written the same for both. `LIKE` is ASCII case-insensitive in SQLite, so
/// PostgreSQL runs it as `ILIKE`.
public enum SQLDialect: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// The largest of `terms` (at least two; one is returned as it is).
    public func greatest(_ terms: [String]) -> String {
        scalar(terms, sqlite: "MAX", postgres: "GREATEST")
    }

    /// The smallest of `terms` (at least two; one is returned as it is).
    public func least(_ terms: [String]) -> String {
        scalar(terms, sqlite: "MIN", postgres: "LEAST")
    }

    private func scalar(_ terms: [String], sqlite: String, postgres: String) -> String {
        guard terms.count > 1 else { return terms.first ?? "NULL" }
        return "\(self == .sqlite ? sqlite : postgres)(\(terms.joined(separator: ", ")))"
    }

    /// `condition` as an integer, 1 when it holds and 0 when it does not (NULL stays NULL).
    public func integer(_ condition: String) -> String {
        self == .sqlite ? "(\(condition))" : "(\(condition))::int"
    }

    /// A table of the text elements of the JSON array `parameter` (a placeholder such as `?` or
    /// `:users`), in a column named `value`, aliased `alias`.
    public func jsonArrayElements(_ parameter: String, alias: String) -> String {
        switch self {
        case .sqlite: "json_each(\(parameter)) \(alias)"
        case .postgres: "json_array_elements_text(CAST(\(parameter) AS json)) AS \(alias)(value)"
        }
    }

    /// The values of `expression` in a group joined with commas.
    public func groupConcat(_ expression: String) -> String {
        self == .sqlite ? "group_concat(\(expression))" : "string_agg(\(expression), ',')"
    }

    /// Appended to a subquery so that the planner evaluates it on its own instead of flattening it
    /// into the outer query.
    public var optimizationFence: String {
        self == .sqlite ? "LIMIT -1" : "OFFSET 0"
    }

    /// An index hint for `index` (SQLite's `INDEXED BY`); PostgreSQL has none and plans alone.
    public func indexedBy(_ index: String) -> String {
        self == .sqlite ? "INDEXED BY \(index)" : ""
    }

    /// `value << count` as a 64-bit integer: PostgreSQL's `<<` keeps the type of `value` (an
    /// `integer` literal would wrap at 32 bits) and takes an `integer` count.
    public func shiftLeft(_ value: String, by count: String) -> String {
        self == .sqlite ? "(\(value) << \(count))" : "(CAST(\(value) AS BIGINT) << CAST(\(count) AS INTEGER))"
    }
}
