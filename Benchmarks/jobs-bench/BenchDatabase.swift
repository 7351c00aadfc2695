import Foundation
import MandateCore
import SQLite
import Storage

/// The engine a benchmark runs on: a fresh SQLite file, or a fresh database created on a
/// PostgreSQL server (`--db postgres://…` or `MANDATE_BENCH_POSTGRES`).
enum BenchEngine: CustomStringConvertible {
    case sqlite
    /// `serverURL` names an existing database to connect to; the benchmark creates and drops its own.
    case postgres(serverURL: String)

    var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// PostgreSQL connections per pool: the default of `mandate serve --db-pool`.
    static let postgresPoolSize = 8
}

/// A database migrated with the production schema of its engine, removed by ``remove()``: on
/// SQLite a file in a fresh temporary directory, on PostgreSQL a scratch database dropped
/// afterwards. Both have every table and trigger, so the two engines do the same work (an SMS job
/// that finishes erases its text by trigger on both).
struct BenchDatabase {
    let engine: BenchEngine
    let database: Database
    private let directory: String?
    private let postgresName: String?

    init(engine: BenchEngine = .sqlite) throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "jobs-bench-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            self.directory = directory
            postgresName = nil
            database = try Database(path: directory + "/bench.sqlite", readerCount: 2)
            _ = try Schema.migrator(for: .sqlite).migrateBlocking(database)
        case .postgres(let serverURL):
            let name = "jobs_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            try Self.onServer(serverURL, "CREATE DATABASE \(name)")
            directory = nil
            postgresName = name
            database = try Database(
                postgresURL: DatabaseLocation.postgresURL(serverURL, database: name),
                poolSize: BenchEngine.postgresPoolSize)
            _ = try Schema.migrator(for: .postgres).migrateBlocking(database)
        }
    }

    func remove() {
        database.close()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        if case .postgres(let serverURL) = engine, let postgresName {
            try? Self.onServer(serverURL, "DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
        }
    }

    /// Runs one statement outside a transaction on the database `serverURL` names.
    private static func onServer(_ serverURL: String, _ sql: String) throws {
        let server = try Database(postgresURL: serverURL, poolSize: 1)
        defer { server.close() }
        try server.writeWithoutTransactionBlocking { try $0.execute(sql) }
    }
}
