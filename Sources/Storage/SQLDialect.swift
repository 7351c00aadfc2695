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
    /// An integer flag (a 0/1 column or parameter) as a condition: SQLite tests the integer as it
    /// is; PostgreSQL, whose conditions must be booleans, compares it with 0 (NULL stays NULL).
    public func isTrue(_ flag: String) -> String {
        self == .sqlite ? flag : "(\(flag) <> 0)"
    }

    /// An aggregate that holds when `condition` holds for some row of the group (NULL for no row),
    /// usable as a condition: SQLite `MAX(condition)`, PostgreSQL `bool_or(condition)`.
    public func anyRow(_ condition: String) -> String {
        self == .sqlite ? "MAX(\(condition))" : "bool_or(\(condition))"
    }

    /// The 64-bit integer with only bit `index` (0 to 62) set. On PostgreSQL a bare `1` is a 32-bit
    /// integer (`1 << 40` wraps) and a shift count must be one, so both are cast.
    public func bit(_ index: String) -> String {
        self == .sqlite ? "1 << \(index)" : shiftLeft("1", by: index)
    }

    /// `column` kept from steering the choice of an index (SQLite's unary `+`); PostgreSQL has no
    /// such hint, and its `+` does not apply to text.
    public func unindexed(_ column: String) -> String {
        self == .sqlite ? "+\(column)" : column
    }

    /// An inner join, followed by `ON`, that SQLite must loop in the order written (`CROSS JOIN`);
    /// PostgreSQL orders joins itself and allows no `ON` after `CROSS JOIN`.
    public var orderedJoin: String {
        self == .sqlite ? "CROSS JOIN" : "JOIN"
    }

    /// The alias of a subquery in `FROM` that the SQLite statement leaves unnamed: nothing there,
    /// ` AS name` on PostgreSQL (before version 16 every subquery in `FROM` needs one).
    public func subqueryAlias(_ name: String) -> String {
        self == .sqlite ? "" : " AS \(name)"
    }

    /// `a IS NOT b` (false when both are NULL, true when only one is) in either engine.
    public func isDistinct(_ left: String, _ right: String) -> String {
        self == .sqlite ? "\(left) IS NOT \(right)" : "\(left) IS DISTINCT FROM \(right)"
    }

    /// The smallest of `terms`, NULL when any of them is NULL: SQLite's scalar `MIN`. PostgreSQL's
    /// `LEAST` ignores NULLs, so there each term is tested first (and so written twice).
    public func leastOrNull(_ terms: [String]) -> String {
        guard self == .postgres, terms.count > 1 else { return least(terms) }
        let anyNull = terms.map { "(\($0)) IS NULL" }.joined(separator: " OR ")
        return "CASE WHEN \(anyNull) THEN NULL ELSE \(least(terms)) END"
    }

    /// Appended to a `SELECT` (inside an `UPDATE … WHERE id IN (…)`) that picks rows to change
    /// in a work queue: on PostgreSQL `FOR UPDATE SKIP LOCKED` locks the rows it returns and
    /// passes over rows another transaction has locked, so concurrent claimers take different
    /// rows without waiting for each other; SQLite has no row locks (its single writer already
    /// runs claims one at a time) and gets nothing.
    public var forUpdateSkipLocked: String {
        self == .sqlite ? "" : "FOR UPDATE SKIP LOCKED"
    }

    /// A `WHERE` clause for an `UPDATE` of the rows of `table` that meet `condition`, when
    /// several processes may run it at once under `READ COMMITTED`: on PostgreSQL
    /// `WHERE key IN (SELECT key FROM table WHERE condition FOR UPDATE SKIP LOCKED)`, which
    /// locks the rows, re-checks `condition` on their latest version and skips rows another
    /// transaction holds, so each row is changed by one of them only and none waits; on SQLite,
    /// whose single writer runs them one at a time, `WHERE condition`.
    public func whereSkippingLocked(_ condition: String, table: String, key: String = "id") -> String {
        switch self {
        case .sqlite: "WHERE \(condition)"
        case .postgres: "WHERE \(key) IN (SELECT \(key) FROM \(table) WHERE \(condition) FOR UPDATE SKIP LOCKED)"
        }
    }

    /// A query that tries to take a lock on the integer `parameter` (a placeholder) until the
    /// transaction ends, without waiting: one row whose first column is 1 when the lock was
    /// taken and 0 when another transaction holds it (PostgreSQL's `pg_try_advisory_xact_lock`).
    /// Nil on SQLite, where write transactions already exclude each other.
    public func tryTransactionLock(_ parameter: String) -> String? {
        self == .sqlite ? nil : "SELECT pg_try_advisory_xact_lock(\(parameter))"
    }

    /// `value << count` as a 64-bit integer: PostgreSQL's `<<` keeps the type of `value` (an
    /// `integer` literal would wrap at 32 bits) and takes an `integer` count.
    public func shiftLeft(_ value: String, by count: String) -> String {
        self == .sqlite ? "(\(value) << \(count))" : "(CAST(\(value) AS BIGINT) << CAST(\(count) AS INTEGER))"
    }
}
