import Foundation
import Postgres
public import Storage
import Synchronization

/// The engine the tests run on: SQLite files by default; PostgreSQL when `MANDATE_TEST_DATABASE`
/// holds a server URL (`make test` runs the database suites both ways, see the Makefile). Each
/// test then gets a database of its own on that server, dropped when the test is done.
public enum TestDatabaseEngine {
    /// The server URL of `MANDATE_TEST_DATABASE` (`postgres://…`), or nil for SQLite.
    public static var postgresURL: String? {
        guard let value = ProcessInfo.processInfo.environment["MANDATE_TEST_DATABASE"], !value.isEmpty,
            value != "sqlite"
        else { return nil }
        return value
    }

    /// The dialect the tests run on.
    public static var dialect: SQLDialect { postgresURL == nil ? .sqlite : .postgres }
}

/// A throw-away database: an SQLite file in a temporary folder, or a newly created database on a
/// PostgreSQL server (in tests, that of ``TestDatabaseEngine``; in benchmarks, that of `--db`).
/// Removed (dropped) by ``remove()`` or when the value goes away.
public final class ScratchDatabase: Sendable {
    /// Where it is: pass it to ``Storage/Database/open(_:connections:)`` or to `--db`.
    public let location: DatabaseLocation
    private let directory: String?
    private let postgres: (serverURL: String, name: String)?
    private let removed = Atomic<Bool>(false)

    /// A database on the engine the tests run on (``TestDatabaseEngine``); see
    /// ``init(label:postgresServer:template:)``.
    public convenience init(label: String = "test", template: ScratchTemplate? = nil) throws {
        try self.init(label: label, postgresServer: TestDatabaseEngine.postgresURL, template: template)
    }

    /// Creates a database; `label` goes into its name, to tell leftovers apart. Empty, or on
    /// PostgreSQL a copy of `template` (built once per test process), whose migrations then find
    /// nothing left to do: copying a migrated database is faster than migrating a new one.
    ///
    /// An SQLite file when `postgresServer` is nil; otherwise a new database on the server that
    /// `postgresServer` (the URL of an existing database) names.
    public init(label: String, postgresServer: String?, template: ScratchTemplate? = nil) throws {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        if let serverURL = postgresServer {
            let name = "mandate_\(label.filter { $0.isLetter || $0.isNumber }.lowercased().prefix(20))_\(suffix)"
            let source = try template.map { try $0.databaseName(serverURL: serverURL) }
            try Self.create(name, from: source, serverURL: serverURL)
            postgres = (serverURL, name)
            directory = nil
            location = .postgres(url: DatabaseLocation.postgresURL(serverURL, database: name))
        } else {
            let folder = NSTemporaryDirectory() + "mandate-\(label)-" + suffix
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            directory = folder
            postgres = nil
            location = .sqlite(path: folder + "/test.sqlite")
        }
    }

    /// Opens it (a new ``Storage/Database`` each call, as another process would).
    public func open(connections: Int = 2) throws -> Database {
        try Database.open(location, connections: connections)
    }

    /// The `--db` value naming it.
    public var argument: String {
        switch location {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// Creates the database `name` on the server, empty or as a copy of `template`. From
    /// PostgreSQL 15 on, by copying files (`STRATEGY FILE_COPY`) rather than writing the copy to
    /// the WAL: on the test cluster, which runs without fsync, that takes a third of the time.
    static func create(_ name: String, from template: String?, serverURL: String) throws {
        let server = try PostgresConnection(serverURL)
        defer { server.close() }
        let source = template.map { " TEMPLATE \($0)" } ?? ""
        let strategy = server.serverVersion >= 150_000 ? " STRATEGY FILE_COPY" : ""
        try server.execute("CREATE DATABASE \(name)\(source)\(strategy)")
    }

    /// Deletes the file or drops the database (closing the connections still open to it). Later
    /// calls do nothing.
    public func remove() {
        guard !removed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if let directory {
            try? FileManager.default.removeItem(atPath: directory)
        }
        if let postgres, let server = try? PostgresConnection(postgres.serverURL) {
            _ = try? server.execute("DROP DATABASE IF EXISTS \(postgres.name) WITH (FORCE)")
            server.close()
        }
    }

    deinit {
        remove()
    }
}
