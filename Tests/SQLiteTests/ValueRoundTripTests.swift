import Foundation
import SQLite
import Testing

@Suite("Binding and decoding values")
struct ValueRoundTripTests {
    @Test("every bindable type round-trips through a table, NULL included")
    func tableRoundTrip() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute(
                "CREATE TABLE t (i INTEGER, i64 INTEGER, i32 INTEGER, b INTEGER, d REAL, s TEXT, x BLOB, at INTEGER)")
            let date = Date(timeIntervalSince1970: 1_700_000_000.123)
            let blob: [UInt8] = [0, 1, 0, 255, 0]
            try connection.run(
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                42, Int64.max, Int32.min, true, 3.25, "héllo wörld 👋🏽 中文", blob, date)
            try connection.run(
                "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                Int?.none, Int64?.none, Int32?.none, Bool?.none, Double?.none, String?.none, [UInt8]?.none, Date?.none)
            let rows = try connection.query("SELECT * FROM t ORDER BY rowid")
            #expect(rows.count == 2)
            let full = rows[0]
            #expect(try full.decode("i", as: Int.self) == 42)
            #expect(try full.decode("i64", as: Int64.self) == Int64.max)
            #expect(try full.decode("i32", as: Int32.self) == Int32.min)
            #expect(try full.decode("b", as: Bool.self) == true)
            #expect(try full.decode("d", as: Double.self) == 3.25)
            #expect(try full.decode("s", as: String.self) == "héllo wörld 👋🏽 中文")
            #expect(try full.decode("x", as: [UInt8].self) == blob)
            #expect(try full.decode("at", as: Date.self) == date)
            #expect(full["at"] == .integer(1_700_000_000_123))
            let empty = rows[1]
            for column in empty.columnNames {
                #expect(empty[column] == .null)
            }
            #expect(try empty.decode("i", as: Int?.self) == nil)
            #expect(try empty.decode("s", as: String?.self) == nil)
            #expect(try empty.decode("at", as: Date?.self) == nil)
            #expect(try full.decode("s", as: String?.self) == "héllo wörld 👋🏽 中文")
        }
    }

    @Test("SELECT ? returns each value with the expected storage class")
    func storageClasses() async throws {
        try await withTemporaryConnection { connection throws in
            func echo(_ value: some SQLBindable) throws -> (String, SQLValue) {
                let row = try #require(try connection.queryOne("SELECT typeof(?1), ?1", value))
                return (try row.decode(0), row[1])
            }
            #expect(try echo(Int64.min) == ("integer", .integer(Int64.min)))
            #expect(try echo(Int64.max) == ("integer", .integer(Int64.max)))
            #expect(try echo(Int32.max) == ("integer", .integer(Int64(Int32.max))))
            #expect(try echo(false) == ("integer", .integer(0)))
            #expect(try echo(-0.5) == ("real", .real(-0.5)))
            #expect(try echo("") == ("text", .text("")))
            #expect(try echo([UInt8]()) == ("blob", .blob([])))
            #expect(try echo("a\u{0}b") == ("text", .text("a\u{0}b")))
            #expect(try echo(SQLValue.null) == ("null", .null))
            #expect(try echo(String?.none) == ("null", .null))
            #expect(try echo(Optional("x")) == ("text", .text("x")))
            #expect(try echo(Double.nan) == ("null", .null))
            #expect(try echo(Date(timeIntervalSince1970: 0)) == ("integer", .integer(0)))
            #expect(try echo(Date(timeIntervalSince1970: -1.5)) == ("integer", .integer(-1500)))
        }
    }

    @Test("blobs keep zero bytes and all 256 byte values")
    func blobWithZeroBytes() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE b (data BLOB NOT NULL)")
            let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 * 7) } + [0, 0, 0]
            try connection.run("INSERT INTO b (data) VALUES (?)", bytes)
            let row = try #require(try connection.queryOne("SELECT data, length(data) FROM b"))
            #expect(try row.decode("data", as: [UInt8].self) == bytes)
            #expect(try row.decode(1, as: Int.self) == bytes.count)
        }
    }

    @Test("dates are stored as integer milliseconds, rounded to the nearest millisecond")
    func dateMilliseconds() async throws {
        try await withTemporaryConnection { connection in
            for milliseconds: Int64 in [0, 1, 999, 1_000, 1_700_000_000_123, -86_400_001, 253_402_300_799_999] {
                let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
                let row = try #require(try connection.queryOne("SELECT ?", date))
                #expect(row[0] == .integer(milliseconds))
                let decoded: Date = try row.decode(0)
                #expect(decoded == date)
            }
            let subMillisecond = Date(timeIntervalSince1970: 10.0006)
            #expect(try connection.queryOne("SELECT ?", subMillisecond)?[0] == .integer(10_001))
            // Out of Int64 range: clamped instead of trapping.
            #expect(try connection.queryOne("SELECT ?", Date(timeIntervalSince1970: 1e300))?[0] == .integer(.max))
            #expect(try connection.queryOne("SELECT ?", Date(timeIntervalSince1970: -1e300))?[0] == .integer(.min))
        }
    }

    @Test("named parameters bind by name, with or without prefix")
    func namedParameters() async throws {
        try await withTemporaryConnection { connection in
            try connection.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
            try connection.run(
                "INSERT INTO p (id, name, score) VALUES (:id, :name, @score)",
                named: ["id": 7, ":name": "Ada", "score": 9.5])
            let row = try #require(
                try connection.queryOne(
                    "SELECT name, score FROM p WHERE id = :id AND name = :name OR id = :id",
                    named: ["id": 7, "name": "Ada"]))
            #expect(try row.decode("name", as: String.self) == "Ada")
            #expect(try row.decode("score", as: Double.self) == 9.5)

            let missing = try #require(throws: SQLiteError.self) {
                try connection.queryOne("SELECT :a, :b", named: ["a": 1])
            }
            #expect(missing.reason == .misuse)
            #expect(missing.message.contains(":b"))
            let extra = try #require(throws: SQLiteError.self) {
                try connection.queryOne("SELECT :a", named: ["a": 1, "zzz": 2])
            }
            #expect(extra.reason == .misuse)
            #expect(extra.message.contains("zzz"))
        }
    }

    @Test("array parameters and the positional count check")
    func arrayParameters() async throws {
        try await withTemporaryConnection { connection in
            let parameters: [any SQLBindable] = [1, "two", 3.0, Int?.none]
            let row = try #require(try connection.queryOne("SELECT ?, ?, ?, ?", parameters: parameters))
            #expect(row.values == [.integer(1), .text("two"), .real(3.0), .null])
            let tooFew = try #require(throws: SQLiteError.self) { try connection.queryOne("SELECT ?, ?", 1) }
            #expect(tooFew.reason == .misuse)
            let tooMany = try #require(throws: SQLiteError.self) { try connection.run("SELECT ?", 1, 2) }
            #expect(tooMany.reason == .misuse)
        }
    }

    @Test("decoding errors: type mismatch, NULL into non-optional, unknown column, bad index, range")
    func decodingErrors() async throws {
        try await withTemporaryConnection { connection in
            let row = try #require(
                try connection.queryOne("SELECT 'text' AS word, NULL AS absent, 5000000000 AS big, 1.5 AS ratio"))
            let mismatch = try #require(throws: SQLiteError.self) { try row.decode("word", as: Int.self) }
            #expect(mismatch.reason == .decoding)
            #expect(mismatch.message.contains("word") && mismatch.message.contains("TEXT"))
            #expect(mismatch.sql?.contains("SELECT 'text'") == true)

            let null = try #require(throws: SQLiteError.self) { try row.decode("absent", as: String.self) }
            #expect(null.reason == .decoding)
            #expect(null.message.contains("NULL"))

            let unknown = try #require(throws: SQLiteError.self) { try row.decode("missing", as: Int.self) }
            #expect(unknown.reason == .decoding)
            #expect(unknown.message.contains("missing"))
            #expect(row["missing"] == nil)

            let badIndex = try #require(throws: SQLiteError.self) { try row.decode(9, as: Int.self) }
            #expect(badIndex.reason == .decoding)
            #expect(row[9] == .null)

            #expect(throws: SQLiteError.self) { try row.decode("big", as: Int32.self) }
            #expect(try row.decode("big", as: Int64.self) == 5_000_000_000)
            #expect(throws: SQLiteError.self) { try row.decode("ratio", as: Int.self) }
            #expect(throws: SQLiteError.self) { try row.decode("word", as: Date.self) }
            #expect(try row.decode("big", as: Double.self) == 5_000_000_000)
            #expect(try row.decode("WORD", as: String.self) == "text")
        }
    }
}
