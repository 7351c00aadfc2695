import DatabaseTestSupport
import Foundation
import SQLite
import Storage
import Testing

/// A fresh database of the tests' engine with one table of every kind of column the stores use.
private func withValuesTable(_ body: (Database) async throws -> Void) async throws {
    let scratch = try ScratchDatabase(label: "connection")
    let database = try scratch.open(connections: 2)
    defer { database.close() }
    let ddl =
        switch database.dialect {
        case .sqlite:
            """
            CREATE TABLE vals (
                id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, other INTEGER,
                email TEXT UNIQUE, required TEXT NOT NULL DEFAULT ''
            )
            """
        case .postgres:
            """
            CREATE TABLE vals (
                id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, t TEXT COLLATE "C", b BYTEA, other BIGINT,
                email TEXT COLLATE "C" UNIQUE, required TEXT COLLATE "C" NOT NULL DEFAULT ''
            )
            """
        }
    try await database.writeWithoutTransaction { try $0.execute(ddl) }
    try await body(database)
}

/// Inserts `value` into column `column` of row `id` and reads it back as `T`.
private func roundTrip<V: SQLBindable & Sendable, T: SQLDecodable & Sendable>(
    _ database: Database, id: Int, column: String, _ value: V, as type: T.Type
) async throws -> T {
    _ = try await database.write { connection in
        try connection.run("INSERT INTO vals (id, \(column)) VALUES (?, ?)", id, value)
    }
    return try await database.read { connection in
        guard let row = try connection.queryOne("SELECT \(column) FROM vals WHERE id = ?", id) else {
            throw StorageError("row \(id) is missing")
        }
        return try row.decode(column, as: T.self)
    }
}

@Suite("Connection round trips")
struct ConnectionTests {
    @Test("integers, including Int64's extremes")
    func integers() async throws {
        try await withValuesTable { database throws in
            #expect(try await roundTrip(database, id: 1, column: "i", 42, as: Int.self) == 42)
            #expect(try await roundTrip(database, id: 2, column: "i", -7, as: Int.self) == -7)
            #expect(try await roundTrip(database, id: 3, column: "i", 0, as: Int.self) == 0)
            #expect(try await roundTrip(database, id: 4, column: "i", Int64.max, as: Int64.self) == .max)
            #expect(try await roundTrip(database, id: 5, column: "i", Int64.min, as: Int64.self) == .min)
            #expect(try await roundTrip(database, id: 6, column: "i", Int32.min, as: Int32.self) == .min)
            // The extremes also compare and come back as parameters of a WHERE.
            let found = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE i = ? OR i = ? ORDER BY id", Int64.max, Int64.min)
                    .map { try $0.decode(0, as: Int.self) }
            }
            #expect(found == [4, 5])
        }
    }

    @Test("doubles")
    func doubles() async throws {
        try await withValuesTable { database throws in
            for (id, value) in [1.5, -0.1, 1e300, .leastNonzeroMagnitude, 0.0, 123_456_789.123_456].enumerated() {
                #expect(try await roundTrip(database, id: id + 1, column: "r", value, as: Double.self) == value)
            }
        }
    }

    @Test("strings with quotes, backslashes, emoji and other scripts")
    func strings() async throws {
        try await withValuesTable { database throws in
            let values = [
                "it's \"quoted\" ''twice''", "back\\slash \\' and %_ wildcards", "😀 👩‍👩‍👧 ☕ naïve Ærø 日本語 עברית",
                "", " leading and trailing ", "line\nbreak\ttab", "'; DROP TABLE vals; --",
            ]
            for (id, value) in values.enumerated() {
                #expect(try await roundTrip(database, id: id + 1, column: "t", value, as: String.self) == value)
            }
            // And as a WHERE parameter, compared byte for byte.
            let id = try await database.read { connection in
                try connection.queryOne("SELECT id FROM vals WHERE t = ?", values[2])?.decode(0, as: Int.self)
            }
            #expect(id == 3)
        }
    }

    @Test("bytes, including zero bytes and the empty array")
    func bytes() async throws {
        try await withValuesTable { database throws in
            let values: [[UInt8]] = [[0, 1, 2, 255, 0, 127, 128], [], Array(0...255), [0]]
            for (id, value) in values.enumerated() {
                #expect(try await roundTrip(database, id: id + 1, column: "b", value, as: [UInt8].self) == value)
            }
            // An empty array is an empty blob, not NULL.
            let nulls = try await database.read { connection in
                try connection.queryOne("SELECT count(*) FROM vals WHERE b IS NULL")?.decode(0, as: Int.self)
            }
            #expect(nulls == 0)
        }
    }

    @Test("nil binds NULL in every kind of column and reads back as nil")
    func nulls() async throws {
        try await withValuesTable { database throws in
            try await database.write { connection in
                try connection.run(
                    "INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)", 1, Int?.none, Double?.none,
                    String?.none, [UInt8]?.none)
                try connection.run(
                    "INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)", 2, Int?.some(5), Double?.some(0.5),
                    String?.some("x"), [UInt8]?.some([1]))
            }
            let rows = try await database.read { connection in
                try connection.query("SELECT i, r, t, b FROM vals ORDER BY id")
            }
            #expect(try rows[0].decode("i", as: Int?.self) == nil)
            #expect(try rows[0].decode("r", as: Double?.self) == nil)
            #expect(try rows[0].decode("t", as: String?.self) == nil)
            #expect(try rows[0].decode("b", as: [UInt8]?.self) == nil)
            #expect(rows[0]["t"] == .null)
            #expect(try rows[1].decode("i", as: Int?.self) == 5)
            #expect(try rows[1].decode("r", as: Double?.self) == 0.5)
            #expect(try rows[1].decode("t", as: String?.self) == "x")
            #expect(try rows[1].decode("b", as: [UInt8]?.self) == [1])
            // A NULL in a non-optional column is an error, not a default.
            #expect(throws: SQLiteError.self) { try rows[0].decode("i", as: Int.self) }
        }
    }

    @Test("dates keep millisecond precision (stored as milliseconds since 1970)")
    func dates() async throws {
        try await withValuesTable { database throws in
            let exact = Date(timeIntervalSince1970: 1_700_000_000.123)
            #expect(try await roundTrip(database, id: 1, column: "i", exact, as: Date.self) == exact)
            // Sub-millisecond parts round to the nearest millisecond.
            let fine = Date(timeIntervalSince1970: 1_700_000_000.123_6)
            #expect(
                try await roundTrip(database, id: 2, column: "i", fine, as: Date.self)
                    == Date(timeIntervalSince1970: 1_700_000_000.124))
            let early = Date(timeIntervalSince1970: -86_400.5)
            #expect(try await roundTrip(database, id: 3, column: "i", early, as: Date.self) == early)
            let stored = try await database.read { connection in
                try connection.queryOne("SELECT i FROM vals WHERE id = 1")?.decode(0, as: Int64.self)
            }
            #expect(stored == 1_700_000_000_123)
            // Dates compare as integers in SQL.
            let later = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE i > ? ORDER BY id", exact).map {
                    try $0.decode(0, as: Int.self)
                }
            }
            #expect(later == [2])
        }
    }

    @Test("booleans are stored as 0 and 1")
    func booleans() async throws {
        try await withValuesTable { database throws in
            #expect(try await roundTrip(database, id: 1, column: "i", true, as: Bool.self) == true)
            #expect(try await roundTrip(database, id: 2, column: "i", false, as: Bool.self) == false)
            let stored = try await database.read { connection in
                try connection.query("SELECT i FROM vals ORDER BY id").map { try $0.decode(0, as: Int.self) }
            }
            #expect(stored == [1, 0])
            let trueRows = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE i = ?", true).map { try $0.decode(0, as: Int.self) }
            }
            #expect(trueRows == [1])
        }
    }

    @Test("named parameters, one of them used twice, and parameter lists built at run time")
    func namedParameters() async throws {
        try await withValuesTable { database throws in
            try await database.write { connection in
                let inserted = try connection.run(
                    "INSERT INTO vals (id, i, other, t) VALUES (:id, :n, :n, :text)",
                    named: [":id": 1, ":n": 10, ":text": "a"])
                #expect(inserted == 1)
                try connection.run(
                    "INSERT INTO vals (id, i, other, t) VALUES (:id, :n, :m, :text)",
                    named: [":id": 2, ":n": 20, ":m": 21, ":text": "b"])
                try connection.run(
                    "INSERT INTO vals (id, i, other, t) VALUES (?, ?, ?, ?)", parameters: [3, 30, 30, "c"])
            }
            let same = try await database.read { connection in
                try connection.query(
                    "SELECT id FROM vals WHERE i = other AND (t = :text OR t = :other OR :text = 'z') ORDER BY id",
                    named: [":text": "a", ":other": "c"]
                ).map { try $0.decode(0, as: Int.self) }
            }
            #expect(same == [1, 3])
            let one = try await database.read { connection in
                try connection.queryOne("SELECT t FROM vals WHERE id = :id AND i >= :id", named: [":id": 2])?
                    .decode(0, as: String.self)
            }
            #expect(one == "b")
            let listed = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE i > ? ORDER BY id", parameters: [15]).map {
                    try $0.decode(0, as: Int.self)
                }
            }
            #expect(listed == [2, 3])
            let visited = try await database.read { connection in
                var ids: [Int] = []
                try connection.forEachRow("SELECT id FROM vals WHERE i < :limit ORDER BY id", named: [":limit": 25]) {
                    ids.append(try $0.decode(0, as: Int.self))
                }
                return ids
            }
            #expect(visited == [1, 2])
            // Keys may leave out the colon, as SQLite's binding allows.
            let bare = try await database.read { connection in
                try connection.queryOne(
                    "SELECT t FROM vals WHERE id = :id AND other = :other", named: ["id": 3, "other": 30])?
                    .decode(0, as: String.self)
            }
            #expect(bare == "c")
            // A missing name is an error on both engines.
            await #expect(throws: (any Error).self) {
                try await database.read { connection in
                    try connection.query("SELECT id FROM vals WHERE i = :missing", named: [":other": 1])
                }
            }
        }
    }

    @Test("SUM, AVG and COUNT of integers decode as Int, Double and Int")
    func aggregates() async throws {
        try await withValuesTable { database throws in
            try await database.write { connection in
                for (id, value) in [1, 2, 4, 9_000_000_000_000].enumerated() {
                    try connection.run("INSERT INTO vals (id, i) VALUES (?, ?)", id + 1, value)
                }
            }
            let row = try await database.read { connection in
                try connection.queryOne(
                    "SELECT SUM(i) AS s, AVG(i) AS a, COUNT(*) AS c, COUNT(i) AS ci, MAX(i) AS mx, "
                        + "SUM(CASE WHEN i < 3 THEN i ELSE 0 END) AS small FROM vals")
            }
            let sums = try #require(row)
            #expect(try sums.decode("s", as: Int.self) == 9_000_000_000_007)
            #expect(try sums.decode("a", as: Double.self) == 9_000_000_000_007.0 / 4)
            #expect(try sums.decode("c", as: Int.self) == 4)
            #expect(try sums.decode("ci", as: Int.self) == 4)
            #expect(try sums.decode("mx", as: Int.self) == 9_000_000_000_000)
            #expect(try sums.decode("small", as: Int.self) == 3)
            // An integral average still reads as a Double, an empty sum as nil.
            let even = try await database.read { connection in
                try connection.queryOne(
                    "SELECT AVG(i) AS a, SUM(i) AS s FROM vals WHERE id IN (2, 3)")
            }
            #expect(try even?.decode("a", as: Double.self) == 3)
            #expect(try even?.decode("s", as: Int.self) == 6)
            let empty = try await database.read { connection in
                try connection.queryOne("SELECT SUM(i) AS s, COUNT(*) AS c FROM vals WHERE id > 100")
            }
            #expect(try empty?.decode("s", as: Int?.self) == .some(nil))
            #expect(try empty?.decode("c", as: Int.self) == 0)
            // Grouped counts.
            let grouped = try await database.read { connection in
                try connection.query(
                    "SELECT i < 3 AS small, COUNT(*) AS c, SUM(i) AS s FROM vals GROUP BY i < 3 ORDER BY small"
                ).map { [try $0.decode("small", as: Int.self), try $0.decode("c", as: Int.self)] }
            }
            #expect(grouped == [[0, 2], [1, 2]])
        }
    }

    @Test("a boolean expression decodes as the Int 0 or 1 (and as a Bool)")
    func booleanExpressions() async throws {
        try await withValuesTable { database throws in
            _ = try await database.write { connection in
                try connection.run("INSERT INTO vals (id, i, t) VALUES (1, 5, 'a'), (2, 50, NULL)")
            }
            let row = try await database.read { connection in
                try connection.queryOne(
                    "SELECT (1 = 1) AS yes, (1 = 2) AS no, (i > ?) AS big, (t IS NULL) AS missing, "
                        + "EXISTS (SELECT 1 FROM vals WHERE i = 50) AS found FROM vals WHERE id = 1", 10)
            }
            let flags = try #require(row)
            #expect(try flags.decode("yes", as: Int.self) == 1)
            #expect(try flags.decode("no", as: Int.self) == 0)
            #expect(try flags.decode("big", as: Int.self) == 0)
            #expect(try flags.decode("missing", as: Int.self) == 0)
            #expect(try flags.decode("found", as: Int.self) == 1)
            #expect(try flags.decode("yes", as: Bool.self) == true)
            #expect(flags["no"] == .integer(0))
            // Through the dialect helper for arithmetic on conditions.
            let sum = try await database.read { connection in
                let dialect = connection.dialect
                return try connection.queryOne(
                    "SELECT SUM(\(dialect.integer("i > 10"))) + \(dialect.integer("1 = 1")) AS n FROM vals")?
                    .decode(0, as: Int.self)
            }
            #expect(sum == 2)
        }
    }

    @Test("a savepoint that throws undoes only its own work; the transaction goes on and commits")
    func savepointRollsBackOnlyItsWork() async throws {
        try await withValuesTable { database throws in
            struct Refused: Error {}
            let outcome = try await database.write { connection -> [String] in
                var notes: [String] = []
                try connection.run("INSERT INTO vals (id, t) VALUES (1, 'before')")
                // A failing statement inside: on PostgreSQL it aborts the transaction but for the savepoint.
                do {
                    try connection.savepoint("duplicate") {
                        try connection.run("INSERT INTO vals (id, t) VALUES (2, 'inside')")
                        try connection.run("INSERT INTO vals (id, t) VALUES (1, 'duplicate')")
                    }
                } catch {
                    notes.append(DatabaseErrors.isUniqueViolation(error) ? "unique" : "other: \(error)")
                }
                // A Swift error inside: the same.
                do {
                    try connection.savepoint("swift error") {
                        try connection.run("INSERT INTO vals (id, t) VALUES (3, 'inside')")
                        throw Refused()
                    }
                } catch is Refused {
                    notes.append("refused")
                }
                // Nested: the inner one fails, the outer one keeps its own work.
                try connection.savepoint("outer") {
                    try connection.run("INSERT INTO vals (id, t) VALUES (4, 'outer')")
                    _ = try? connection.savepoint("inner") {
                        try connection.run("INSERT INTO vals (id, t) VALUES (5, 'inner')")
                        try connection.run("INSERT INTO no_such_table VALUES (1)")
                    }
                }
                let value = try connection.savepoint("returns") {
                    try connection.run("INSERT INTO vals (id, t) VALUES (6, 'kept')")
                    return "value"
                }
                notes.append(value)
                notes.append(connection.isInTransaction ? "in transaction" : "outside a transaction")
                try connection.run("INSERT INTO vals (id, t) VALUES (7, 'after')")
                return notes
            }
            #expect(outcome == ["unique", "refused", "value", "in transaction"])
            let rows = try await database.read { connection in
                try connection.query("SELECT id, t FROM vals ORDER BY id").map {
                    "\(try $0.decode(0, as: Int.self)) \(try $0.decode(1, as: String.self))"
                }
            }
            #expect(rows == ["1 before", "4 outer", "6 kept", "7 after"])
        }
    }

    @Test("a write whose body throws is rolled back as a whole")
    func failedWriteRollsBack() async throws {
        try await withValuesTable { database throws in
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await database.write { connection in
                    try connection.run("INSERT INTO vals (id) VALUES (1)")
                    throw Refused()
                }
            }
            // A failed statement that is not caught: the same, and the connection is usable afterwards.
            await #expect(throws: (any Error).self) {
                try await database.write { connection in
                    try connection.run("INSERT INTO vals (id) VALUES (2)")
                    try connection.run("INSERT INTO vals (id) VALUES (2)")
                }
            }
            let count = try await database.write { connection in
                try connection.run("INSERT INTO vals (id) VALUES (3)")
                return try connection.queryOne("SELECT count(*) FROM vals")?.decode(0, as: Int.self)
            }
            #expect(count == 1)
            let outside = try await database.read { $0.isInTransaction }
            #expect(outside == false)
        }
    }

    @Test("unique violations are recognised by DatabaseErrors.isUniqueViolation, other errors are not")
    func uniqueViolation() async throws {
        try await withValuesTable { database throws in
            _ = try await database.write { connection in
                try connection.run("INSERT INTO vals (id, email) VALUES (1, 'a@example.com')")
            }
            func failure(_ sql: String) async -> (any Error)? {
                do {
                    try await database.write { connection in _ = try connection.run(sql) }
                    return nil
                } catch {
                    return error
                }
            }
            let primaryKey = await failure("INSERT INTO vals (id, email) VALUES (1, 'b@example.com')")
            #expect(primaryKey.map(DatabaseErrors.isUniqueViolation) == true)
            let uniqueColumn = await failure("INSERT INTO vals (id, email) VALUES (2, 'a@example.com')")
            #expect(uniqueColumn.map(DatabaseErrors.isUniqueViolation) == true)
            let notNull = await failure("INSERT INTO vals (id, required) VALUES (3, NULL)")
            #expect(notNull.map(DatabaseErrors.isUniqueViolation) == false)
            let syntax = await failure("INSERT INTO no_such_table VALUES (1)")
            #expect(syntax.map(DatabaseErrors.isUniqueViolation) == false)
            #expect(DatabaseErrors.isUniqueViolation(StorageError("duplicate")) == false)
            // Caught inside a savepoint, the transaction carries on (an upsert by hand).
            let outcome = try await database.write { connection -> String in
                do {
                    try connection.savepoint("insert") {
                        try connection.run("INSERT INTO vals (id, email) VALUES (2, 'a@example.com')")
                    }
                    return "inserted"
                } catch  where DatabaseErrors.isUniqueViolation(error) {
                    try connection.run("UPDATE vals SET t = 'seen twice' WHERE email = 'a@example.com'")
                    return "updated"
                }
            }
            #expect(outcome == "updated")
            let t = try await database.read {
                try $0.queryOne("SELECT t FROM vals WHERE id = 1")?.decode(0, as: String.self)
            }
            #expect(t == "seen twice")
        }
    }

    @Test("RETURNING, LIKE ignoring ASCII case, and || work the same on both engines")
    func portableSQL() async throws {
        try await withValuesTable { database throws in
            let returned = try await database.write { connection in
                try connection.queryOne(
                    "INSERT INTO vals (id, t) VALUES (?, ?) RETURNING id, t || '!' AS shout", 1, "Ada")
            }
            #expect(try returned?.decode("id", as: Int.self) == 1)
            #expect(try returned?.decode("shout", as: String.self) == "Ada!")
            _ = try await database.write { connection in
                try connection.run("INSERT INTO vals (id, t) VALUES (2, 'ADA LOVELACE'), (3, 'grace'), (4, 'a_b')")
            }
            let matches = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE t LIKE ? ORDER BY id", "ada%").map {
                    try $0.decode(0, as: Int.self)
                }
            }
            #expect(matches == [1, 2])
            let escaped = try await database.read { connection in
                try connection.query("SELECT id FROM vals WHERE t LIKE ? ESCAPE '\\' ORDER BY id", "A\\_%").map {
                    try $0.decode(0, as: Int.self)
                }
            }
            #expect(escaped == [4])
        }
    }
}
