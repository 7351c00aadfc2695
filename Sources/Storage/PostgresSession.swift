import Postgres
import SQLite

/// One PostgreSQL connection as the stores see it: SQLite-style SQL and values in, SQLite-style
/// ``Row``s out.
///
/// Parameters travel as `int8`, `float8`, `bytea` or untyped text (the server infers the column's
/// type), and results come back as the five SQLite storage classes: booleans become 0 or 1,
/// timestamps milliseconds, `numeric` an integer when it is one. Statements are translated once
/// (``PostgresTranslation``) and prepared once per connection.
///
/// Not `Sendable`: confined to the thread of the pool slot that owns it.
final class PostgresSession {
    let connection: PostgresConnection
    /// The last error a statement of this session failed with, kept so that the pool recognises a
    /// serialization failure even when a store wrapped it in an error of its own.
    var lastFailure: PostgresError?
    private var translations: [String: PostgresTranslation] = [:]
    private static let translationCapacity = 512

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    func run(_ sql: String, positional: [SQLValue]) throws -> Int {
        try recordingFailure { try connection.run(translated(sql).sql, positional.map(Self.postgresValue)) }
    }

    func run(_ sql: String, named: [String: any SQLBindable]) throws -> Int {
        let translation = translated(sql)
        let values = try Self.values(of: translation, named: named, sql: sql)
        return try recordingFailure { try connection.run(translation.sql, values) }
    }

    func query(_ sql: String, positional: [SQLValue]) throws -> [Row] {
        let translation = translated(sql)
        let rows = try recordingFailure { try connection.query(translation.sql, positional.map(Self.postgresValue)) }
        return Self.rows(rows, sql: sql)
    }

    func query(_ sql: String, named: [String: any SQLBindable]) throws -> [Row] {
        let translation = translated(sql)
        let values = try Self.values(of: translation, named: named, sql: sql)
        return Self.rows(try recordingFailure { try connection.query(translation.sql, values) }, sql: sql)
    }

    private func recordingFailure<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            lastFailure = error
            throw error
        }
    }

    private func translated(_ sql: String) -> PostgresTranslation {
        if let cached = translations[sql] { return cached }
        let translation = PostgresTranslation(sql)
        if translations.count >= Self.translationCapacity { translations.removeAll(keepingCapacity: true) }
        translations[sql] = translation
        return translation
    }

    private static func values(
        of translation: PostgresTranslation, named: [String: any SQLBindable], sql: String
    ) throws -> [PostgresValue] {
        try translation.names.map { name in
            // Keys may leave out the colon, as SQLite's named binding allows.
            guard let value = named[name] ?? named[String(name.dropFirst())] else {
                throw StorageError("no value for the parameter \(name) in: \(sql)")
            }
            return postgresValue(value.sqlValue)
        }
    }

    static func postgresValue(_ value: SQLValue) -> PostgresValue {
        switch value {
        case .null: .null
        case .integer(let integer): .int64(integer)
        case .real(let real): .double(real)
        case .text(let text): .text(text)
        case .blob(let bytes): .bytea(bytes)
        }
    }

    static func sqlValue(_ value: PostgresValue) -> SQLValue {
        switch value {
        case .null: .null
        case .bool(let bool): .integer(bool ? 1 : 0)
        case .int64(let integer): .integer(integer)
        case .double(let double): .real(double)
        case .text(let text): .text(text)
        case .bytea(let bytes): .blob(bytes)
        case .timestamp(let milliseconds): .integer(milliseconds)
        }
    }

    private static func rows(_ rows: [PostgresRow], sql: String) -> [Row] {
        guard let first = rows.first else { return [] }
        return Row.rows(columns: first.columnNames, values: rows.map { $0.values.map(sqlValue) }, sql: sql)
    }
}
