import DatabaseTestSupport
import Foundation
import MandateCore
import SQLite
import Storage
import Testing

/// The shape of a migrated schema, as sets of comparable descriptions: `users.email text NOT NULL`.
private struct SchemaShape {
    var tables: Set<String> = []
    /// `table.column class NULL|NOT NULL`; the class is integer, text, blob, real or numeric.
    var columns: Set<String> = []
    /// `table (a, b)`: the primary key's columns in order.
    var primaryKeys: Set<String> = []
    /// `table UNIQUE (a, b)`: unique constraints written in the table (not `CREATE UNIQUE INDEX`).
    var uniqueConstraints: Set<String> = []
    /// `table.index` or `table.index UNIQUE`: indexes created by name.
    var indexes: Set<String> = []
    /// `table.trigger`.
    var triggers: Set<String> = []

    /// SQLite's column type affinity (<https://sqlite.org/datatype3.html#determination_of_column_affinity>).
    static func sqliteClass(_ declared: String) -> String {
        let type = declared.uppercased()
        if type.contains("INT") { return "integer" }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return "text" }
        if type.contains("BLOB") || type.isEmpty { return "blob" }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return "real" }
        return "numeric"
    }

    /// The same classes for PostgreSQL's `information_schema.columns.data_type`; any other type
    /// (boolean, jsonb, timestamptz …) keeps its name, and so differs from every SQLite column.
    static func postgresClass(_ dataType: String) -> String {
        switch dataType {
        case "bigint", "integer", "smallint": "integer"
        case "text", "character varying", "character": "text"
        case "bytea": "blob"
        case "double precision", "real": "real"
        case "numeric": "numeric"
        default: dataType
        }
    }

    static func sqlite(_ database: Database) async throws -> SchemaShape {
        try await database.read { connection in
            var shape = SchemaShape()
            let tables = try connection.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).map { try $0.decode(0, as: String.self) }
            for table in tables {
                shape.tables.insert(table)
                var keyColumns: [(position: Int, name: String)] = []
                // table_xinfo also lists generated columns (hidden 2 or 3); 1 is a virtual table's hidden column.
                for column in try connection.query("SELECT * FROM pragma_table_xinfo(?)", table) {
                    guard try column.decode("hidden", as: Int.self) != 1 else { continue }
                    let name = try column.decode("name", as: String.self)
                    let key = try column.decode("pk", as: Int.self)
                    // A primary key column is NOT NULL on PostgreSQL; on SQLite only INTEGER PRIMARY
                    // KEY and WITHOUT ROWID keys are, the others merely by the application's habit.
                    let notNull = try column.decode("notnull", as: Int.self) != 0 || key > 0
                    let type = sqliteClass(try column.decode("type", as: String?.self) ?? "")
                    shape.columns.insert("\(table).\(name) \(type) \(notNull ? "NOT NULL" : "NULL")")
                    if key > 0 { keyColumns.append((key, name)) }
                }
                if !keyColumns.isEmpty {
                    shape.primaryKeys.insert(
                        "\(table) (\(keyColumns.sorted { $0.position < $1.position }.map(\.name).joined(separator: ", ")))"
                    )
                }
                for index in try connection.query("SELECT * FROM pragma_index_list(?)", table) {
                    let name = try index.decode("name", as: String.self)
                    let unique = try index.decode("unique", as: Int.self) != 0
                    switch try index.decode("origin", as: String.self) {
                    case "c":
                        shape.indexes.insert("\(table).\(name)\(unique ? " UNIQUE" : "")")
                    case "u":
                        let columns = try connection.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", name)
                            .map { try $0.decode(0, as: String.self) }
                        shape.uniqueConstraints.insert("\(table) UNIQUE (\(columns.joined(separator: ", ")))")
                    default:
                        break  // the primary key, compared above
                    }
                }
            }
            for trigger in try connection.query("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'") {
                shape.triggers.insert(
                    "\(try trigger.decode("tbl_name", as: String.self)).\(try trigger.decode("name", as: String.self))")
            }
            return shape
        }
    }

    static func postgres(_ database: Database) async throws -> SchemaShape {
        try await database.read { connection in
            var shape = SchemaShape()
            shape.tables = Set(
                try connection.query(
                    "SELECT table_name::text FROM information_schema.tables "
                        + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                ).map { try $0.decode(0, as: String.self) })
            for column in try connection.query(
                "SELECT table_name::text AS t, column_name::text AS c, is_nullable::text AS nullable, "
                    + "data_type::text AS type FROM information_schema.columns WHERE table_schema = 'public'")
            {
                let table = try column.decode("t", as: String.self)
                guard shape.tables.contains(table) else { continue }
                let notNull = try column.decode("nullable", as: String.self) == "NO"
                shape.columns.insert(
                    "\(table).\(try column.decode("c", as: String.self)) "
                        + "\(postgresClass(try column.decode("type", as: String.self))) \(notNull ? "NOT NULL" : "NULL")"
                )
            }
            // Constraints: their columns in the constraint's order.
            for constraint in try connection.query(
                """
                SELECT t.relname::text AS t, c.contype::text AS kind,
                       (SELECT string_agg(a.attname::text, ', ' ORDER BY k.position)
                        FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns
                FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND c.contype IN ('p', 'u')
                """)
            {
                let table = try constraint.decode("t", as: String.self)
                let columns = try constraint.decode("columns", as: String.self)
                if try constraint.decode("kind", as: String.self) == "p" {
                    shape.primaryKeys.insert("\(table) (\(columns))")
                } else {
                    shape.uniqueConstraints.insert("\(table) UNIQUE (\(columns))")
                }
            }
            // Indexes that back no constraint: the ones created by name.
            for index in try connection.query(
                """
                SELECT t.relname::text AS t, i.relname::text AS name, x.indisunique AS is_unique
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public'
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """)
            {
                let unique = try index.decode("is_unique", as: Bool.self)
                shape.indexes.insert(
                    "\(try index.decode("t", as: String.self)).\(try index.decode("name", as: String.self))"
                        + (unique ? " UNIQUE" : ""))
            }
            for trigger in try connection.query(
                """
                SELECT c.relname::text AS t, g.tgname::text AS name
                FROM pg_trigger g
                JOIN pg_class c ON c.oid = g.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND NOT g.tgisinternal
                """)
            {
                shape.triggers.insert(
                    "\(try trigger.decode("t", as: String.self)).\(try trigger.decode("name", as: String.self))")
            }
            return shape
        }
    }
}

/// The PostgreSQL baseline (`PostgresSchema`) against the SQLite migrations: the same tables,
/// columns, keys, indexes and triggers. A later migration added to one list and not the other
/// fails here, naming what differs.
@Suite(
    "Schema parity of SQLite and PostgreSQL",
    .enabled(if: TestDatabaseEngine.postgresURL != nil, "needs a PostgreSQL server: set MANDATE_TEST_DATABASE"))
struct SchemaParityTests {
    @Test("both engines' migrations build the same schema")
    func parity() async throws {
        let folder = NSTemporaryDirectory() + "mandate-parity-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try Database(path: folder + "/parity.sqlite", readerCount: 1)
        defer { sqlite.close() }
        _ = try await Schema.migrator(for: .sqlite).migrate(sqlite)

        let scratch = try ScratchDatabase(label: "parity")
        let postgres = try scratch.open(connections: 1)
        defer { postgres.close() }
        #expect(postgres.dialect == .postgres)
        _ = try await Schema.migrator(for: .postgres).migrate(postgres)

        let lite = try await SchemaShape.sqlite(sqlite)
        let pg = try await SchemaShape.postgres(postgres)
        // Each introspection found something (an empty query result would compare equal).
        let counts: [(String, Int)] = [
            ("tables", lite.tables.count), ("columns", lite.columns.count), ("primary keys", lite.primaryKeys.count),
            ("unique constraints", lite.uniqueConstraints.count), ("indexes", lite.indexes.count),
            ("triggers", lite.triggers.count), ("PostgreSQL tables", pg.tables.count),
            ("PostgreSQL columns", pg.columns.count), ("PostgreSQL primary keys", pg.primaryKeys.count),
            ("PostgreSQL unique constraints", pg.uniqueConstraints.count), ("PostgreSQL indexes", pg.indexes.count),
            ("PostgreSQL triggers", pg.triggers.count),
        ]
        for (what, count) in counts {
            #expect(count > 0, "no \(what) found")
        }
        #expect(lite.tables.count > 20, "the SQLite schema looks empty: \(lite.tables.sorted())")

        func compare(_ what: String, _ sqliteSide: Set<String>, _ postgresSide: Set<String>) {
            for item in sqliteSide.subtracting(postgresSide).sorted() {
                Issue.record("\(what) only on SQLite: \(item)")
            }
            for item in postgresSide.subtracting(sqliteSide).sorted() {
                Issue.record("\(what) only on PostgreSQL: \(item)")
            }
        }
        compare("table", lite.tables, pg.tables)
        // Columns of a table that exists on one side only were reported with the table.
        let shared = lite.tables.intersection(pg.tables)
        func inShared(_ items: Set<String>) -> Set<String> {
            items.filter { shared.contains(String($0.prefix { $0 != "." && $0 != " " })) }
        }
        compare("column", inShared(lite.columns), inShared(pg.columns))
        compare("primary key", inShared(lite.primaryKeys), inShared(pg.primaryKeys))
        compare("unique constraint", inShared(lite.uniqueConstraints), inShared(pg.uniqueConstraints))
        compare("index", inShared(lite.indexes), inShared(pg.indexes))
        compare("trigger", inShared(lite.triggers), inShared(pg.triggers))
    }
}
