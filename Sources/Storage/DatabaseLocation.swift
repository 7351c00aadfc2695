import Foundation
import Postgres
import SQLite

/// Where the data lives: an SQLite file (the embedded default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL connection URL (`postgres://user:password@host:port/database?…`).
    case postgres(url: String)

    /// `postgres://…` and `postgresql://…` are PostgreSQL URLs; anything else is a file path.
    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The path, or the URL without its password: safe to log and print.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return Self.redacted(url)
        }
    }

    /// The PostgreSQL URL `serverURL` with its database name replaced by `database` (its query
    /// options kept), e.g. to reach a database created on the same server.
    public static func postgresURL(_ serverURL: String, database: String) -> String {
        guard let schemeEnd = serverURL.range(of: "://") else { return serverURL }
        let rest = serverURL[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(of: "/") ?? rest.firstIndex(of: "?") ?? rest.endIndex
        let query = rest[pathStart...].firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(serverURL[..<pathStart]) + "/" + database + query
    }

    /// `url` with the password of its user-info part replaced by `***`.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// How a write transaction isolates itself from concurrent ones. SQLite always runs one write at
/// a time, so there it changes nothing.
public enum WriteIsolation: Sendable {
    /// As if the writes ran one after another (PostgreSQL `SERIALIZABLE`; a conflicting
    /// transaction is retried from the start). What every store assumes unless it says otherwise.
    case serializable
    /// PostgreSQL `READ COMMITTED`, for statements that lock what they change themselves, such as
    /// the job queue's claim (`FOR UPDATE SKIP LOCKED`), where serializable retries would only
    /// make claimers collide.
    case readCommitted
}

/// Classifying database errors without knowing the engine.
public enum DatabaseErrors {
    /// Whether `error` is a unique-constraint violation (SQLite `SQLITE_CONSTRAINT_UNIQUE` or
    /// PRIMARY KEY, PostgreSQL 23505).
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError { return error.isUniqueConstraintViolation }
        if let error = error as? PostgresError { return error.isUniqueViolation }
        return false
    }
}
