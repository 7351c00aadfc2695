import Postgres
import Testing

@Suite("Values round-trip through PostgreSQL", .whenPostgresConfigured)
struct ValueRoundTripTests {
    static let values: [PostgresValue] = [
        .null, .bool(true), .bool(false), .int64(0), .int64(-42), .int64(.max), .int64(.min), .double(1.5),
        .double(-0.25), .double(.infinity), .text(""), .text("Grüße, 世界 🎉"), .bytea([]), .bytea([0, 1, 0, 255, 0]),
        .timestamp(milliseconds: 1_700_000_000_123), .timestamp(milliseconds: -1), .timestamp(milliseconds: 0),
    ]

    @Test("each value comes back unchanged as a bare parameter")
    func parameters() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            for value in Self.values {
                let row = try #require(try connection.queryOne("SELECT $1", [value]))
                #expect(row[0] == value, "\(value)")
            }
        }
    }

    @Test("each value comes back unchanged from a typed column, NULL in every column")
    func columns() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute(
                """
                CREATE TABLE typed (
                    id int4 PRIMARY KEY, flag bool, big int8, small int2, ratio float8, label text,
                    code varchar(20), payload bytea, at timestamptz, document jsonb
                );
                """)
            let row: [PostgresValue] = [
                .int64(1), .bool(true), .int64(.min), .int64(-7), .double(3.25), .text("it's \"quoted\""),
                .text("ü"), .bytea([0, 0, 7]), .timestamp(milliseconds: 1_700_000_000_123), .text(#"{"a": [1, null]}"#),
            ]
            let insert = "INSERT INTO typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            #expect(try connection.run(insert, row) == 1)
            try connection.run(insert, [.int64(2)] + Array(repeating: .null, count: 9))

            let rows = try connection.query("SELECT * FROM typed ORDER BY id")
            #expect(rows.count == 2)
            #expect(rows[0].values == row)
            #expect(rows[1].values == [.int64(2)] + Array(repeating: .null, count: 9))
            #expect(rows[0].columnNames.first == "id")
            #expect(rows[0]["payload"] == .bytea([0, 0, 7]))
            #expect(rows[0]["missing"] == nil)
        }
    }

    @Test("a timestamp parameter is the instant the server sees, in UTC")
    func timestampInstant() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let text = try connection.queryOne(
                "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')",
                [.timestamp(milliseconds: 1_700_000_000_123)])?[0]
            #expect(text == .text("2023-11-14 22:13:20.123"))
            let infinity = try connection.queryOne("SELECT 'infinity'::timestamptz, '-infinity'::timestamptz")
            #expect(infinity?.values == [.timestamp(milliseconds: .max), .timestamp(milliseconds: .min)])
            // Microseconds truncate towards the past, also before 1970.
            let micro = try connection.queryOne("SELECT '1969-12-31 23:59:59.9995+00'::timestamptz")?[0]
            #expect(micro == .timestamp(milliseconds: -1))
        }
    }

    @Test("a parameter full of quotes is data, never SQL")
    func noInjection() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute("CREATE TABLE students (name text NOT NULL)")
            let hostile = "Robert'); DROP TABLE students;-- $1 \\' \""
            try connection.run("INSERT INTO students (name) VALUES ($1)", [.text(hostile)])
            let rows = try connection.query("SELECT name FROM students WHERE name = $1", [.text(hostile)])
            #expect(rows.map(\.values) == [[.text(hostile)]])
        }
    }

    @Test("text with U+0000 is refused before it reaches the server")
    func nulInText() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT $1", [.text("a\u{0}b")]) }
            #expect(error?.reason == .misuse)
            #expect(error?.message.contains("$1") == true)
        }
    }

    @Test("a column type without a case fails to decode and names the column")
    func unsupportedType() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let error = #expect(throws: PostgresError.self) {
                try connection.query("SELECT interval '1 day' AS period")
            }
            #expect(error?.reason == .decoding)
            #expect(error?.message.contains("period") == true)
            #expect(try connection.queryOne("SELECT (interval '1 day')::text")?[0] == .text("1 day"))
        }
    }

    @Test("numeric (what SUM and AVG of integers give) decodes as an integer when it is one, else a double")
    func numeric() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            let row = try #require(
                try connection.queryOne(
                    """
                    SELECT 0::numeric, 42::numeric, -1234567890123::numeric, 10000::numeric, 1.5::numeric,
                        -0.25::numeric, sum(x) FROM (VALUES (9223372036854775807::bigint), (1)) v(x)
                    """))
            #expect(row.values[0] == .int64(0))
            #expect(row.values[1] == .int64(42))
            #expect(row.values[2] == .int64(-1_234_567_890_123))
            #expect(row.values[3] == .int64(10_000))
            #expect(row.values[4] == .double(1.5))
            #expect(row.values[5] == .double(-0.25))
            // Past Int64: the nearest double.
            #expect(row.values[6] == .double(9_223_372_036_854_775_808.0))
        }
    }

    @Test("run counts affected rows; a script runs every statement")
    func counts() async throws {
        try await withTestSchema { schema in
            let connection = try schema.connect()
            try connection.execute(
                "CREATE TABLE items (id int8 PRIMARY KEY); INSERT INTO items VALUES (1), (2), (3);")
            #expect(try connection.run("UPDATE items SET id = id + 10 WHERE id >= $1", [.int64(2)]) == 2)
            #expect(try connection.run("DELETE FROM items WHERE id = $1", [.int64(99)]) == 0)
            #expect(
                try connection.query("SELECT id FROM items ORDER BY id").map { $0[0] }
                    == [1, 12, 13].map { .int64($0) })
        }
    }
}
