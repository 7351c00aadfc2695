import Testing

@testable import Storage

/// The rewriting of the stores' SQLite-style SQL for PostgreSQL: pure string work, no server.
@Suite("PostgresTranslation")
struct PostgresTranslationTests {
    @Test("? placeholders are numbered $1, $2, … in order")
    func positional() {
        let translation = PostgresTranslation("SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?")
        #expect(translation.sql == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4")
        #expect(translation.positionalCount == 4)
        #expect(translation.names == [])
    }

    @Test("a statement without parameters is copied unchanged")
    func noParameters() {
        let sql = "SELECT count(*) FROM users WHERE tenant_id = 'acme' AND x >= 2"
        let translation = PostgresTranslation(sql)
        #expect(translation.sql == sql)
        #expect(translation.positionalCount == 0)
        #expect(translation.names == [])
    }

    @Test(":name parameters get one $n per distinct name, reused wherever the name appears again")
    func namedReuse() {
        let translation = PostgresTranslation(
            "UPDATE t SET a = :now, b = :user_id WHERE c < :now AND d = :user_id AND e = :x2")
        #expect(translation.sql == "UPDATE t SET a = $1, b = $2 WHERE c < $1 AND d = $2 AND e = $3")
        #expect(translation.names == [":now", ":user_id", ":x2"])
        #expect(translation.positionalCount == 0)
    }

    @Test(":name directly after an opening parenthesis, a comma or an operator")
    func namedAfterPunctuation() {
        let translation = PostgresTranslation("INSERT INTO t (a, b, c) VALUES (:a,:b,:a+:c)")
        #expect(translation.sql == "INSERT INTO t (a, b, c) VALUES ($1,$2,$1+$3)")
        #expect(translation.names == [":a", ":b", ":c"])
        #expect(PostgresTranslation("WHERE x IN(:first)").sql == "WHERE x IN($1)")
        #expect(PostgresTranslation("coalesce(:a, 0)").sql == "coalesce($1, 0)")
    }

    @Test(":: casts are not parameters, also right after a parameter")
    func casts() {
        #expect(PostgresTranslation("SELECT '1'::int, a::text FROM t").sql == "SELECT '1'::int, a::text FROM t")
        let named = PostgresTranslation("SELECT :payload::json, :n::bigint, :payload::jsonb")
        #expect(named.sql == "SELECT $1::json, $2::bigint, $1::jsonb")
        #expect(named.names == [":payload", ":n"])
        let positional = PostgresTranslation("SELECT ?::bytea, ?::text")
        #expect(positional.sql == "SELECT $1::bytea, $2::text")
        #expect(positional.positionalCount == 2)
    }

    @Test("string literals keep ?, :name, LIKE and doubled quotes as they are")
    func stringLiterals() {
        let sql = "SELECT 'it''s ? :name LIKE -- /* x */', a FROM t WHERE b = ?"
        let translation = PostgresTranslation(sql)
        #expect(translation.sql == "SELECT 'it''s ? :name LIKE -- /* x */', a FROM t WHERE b = $1")
        #expect(translation.positionalCount == 1)
        #expect(translation.names == [])
        // A literal of nothing but a doubled quote, and one at the very end.
        #expect(PostgresTranslation("SELECT '''', ?").sql == "SELECT '''', $1")
        #expect(PostgresTranslation("SELECT ? || ''''").sql == "SELECT $1 || ''''")
        #expect(PostgresTranslation("SELECT ''").sql == "SELECT ''")
    }

    @Test("quoted identifiers keep ?, :name and LIKE, and doubled double quotes")
    func quotedIdentifiers() {
        let sql = #"SELECT "like", "a?b", "x"":y", "LIKE" FROM "t" WHERE "like" LIKE ?"#
        let translation = PostgresTranslation(sql)
        #expect(translation.sql == #"SELECT "like", "a?b", "x"":y", "LIKE" FROM "t" WHERE "like" ILIKE $1"#)
        #expect(translation.positionalCount == 1)
        #expect(translation.names == [])
    }

    @Test("line and block comments are copied unchanged")
    func comments() {
        let sql = """
            SELECT a -- what ? :x LIKE y
            FROM t /* ? :y LIKE
            over lines */ WHERE b = ? -- last
            """
        let translation = PostgresTranslation(sql)
        #expect(
            translation.sql == """
                SELECT a -- what ? :x LIKE y
                FROM t /* ? :y LIKE
                over lines */ WHERE b = $1 -- last
                """)
        #expect(translation.positionalCount == 1)
        #expect(translation.names == [])
        // A single minus is an operator, not a comment.
        #expect(PostgresTranslation("SELECT ? - ?").sql == "SELECT $1 - $2")
        #expect(PostgresTranslation("SELECT 10/?").sql == "SELECT 10/$1")
    }

    @Test("LIKE becomes ILIKE only as a keyword, in any case")
    func likeAsAWord() {
        #expect(PostgresTranslation("WHERE email LIKE ? ESCAPE '\\'").sql == "WHERE email ILIKE $1 ESCAPE '\\'")
        #expect(PostgresTranslation("WHERE email like ?").sql == "WHERE email ILIKE $1")
        #expect(PostgresTranslation("WHERE email NOT Like :p").sql == "WHERE email NOT ILIKE $1")
        #expect(PostgresTranslation("WHERE (name)LIKE(?)").sql == "WHERE (name)ILIKE($1)")
        // Words that merely contain it.
        let words = "SELECT likes, alike, liked, like_count, unlike, _like FROM likes WHERE likes > ?"
        #expect(
            PostgresTranslation(words).sql
                == "SELECT likes, alike, liked, like_count, unlike, _like FROM likes WHERE likes > $1")
        // Already ILIKE, or a column named like behind a table alias.
        #expect(PostgresTranslation("WHERE a ILIKE ?").sql == "WHERE a ILIKE $1")
        #expect(PostgresTranslation("SELECT t.like FROM t").sql == "SELECT t.like FROM t")
        // Nor inside literals or quoted identifiers.
        #expect(PostgresTranslation("SELECT 'LIKE', \"like\"").sql == "SELECT 'LIKE', \"like\"")
    }

    @Test("unicode in literals, identifiers and comments survives, and the numbering after it is right")
    func unicode() {
        let sql = "SELECT 'café ☕ 👩‍👩‍👧 ü?', \"naïve:x\" FROM t -- ümlaut ?\nWHERE a = ? AND b = 'ß'"
        let translation = PostgresTranslation(sql)
        #expect(
            translation.sql == "SELECT 'café ☕ 👩‍👩‍👧 ü?', \"naïve:x\" FROM t -- ümlaut ?\nWHERE a = $1 AND b = 'ß'")
        #expect(translation.positionalCount == 1)
        let named = PostgresTranslation("SELECT '😀', :ä, :b")
        // `:ä` is not an ASCII name: it stays as written (the stores use ASCII names only).
        #expect(named.sql == "SELECT '😀', :ä, $1")
        #expect(named.names == [":b"])
    }

    @Test("an unterminated literal or comment is copied to the end without a crash")
    func unterminated() {
        #expect(PostgresTranslation("SELECT 'abc ?").sql == "SELECT 'abc ?")
        #expect(PostgresTranslation("SELECT \"abc ?").sql == "SELECT \"abc ?")
        #expect(PostgresTranslation("SELECT ? /* ?").sql == "SELECT $1 /* ?")
        #expect(PostgresTranslation("SELECT ? -- ?").sql == "SELECT $1 -- ?")
        #expect(PostgresTranslation("SELECT :").sql == "SELECT :")
        #expect(PostgresTranslation("").sql == "")
    }
}
