import DatabaseTestSupport
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

/// A database migrated with the production schema of its engine (a ``ScratchDatabase``), removed
/// by ``remove()``: on SQLite a file in a fresh temporary directory, on PostgreSQL a scratch
/// database dropped afterwards. Both have every table and trigger, so the two engines do the same
/// work (an SMS job that finishes erases its text by trigger on both).
struct BenchDatabase {
    let engine: BenchEngine
    let database: Database
    private let scratch: ScratchDatabase

    init(engine: BenchEngine = .sqlite) throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            scratch = try ScratchDatabase(label: "jobsbench", postgresServer: nil)
            database = try scratch.open(connections: 2)
        case .postgres(let serverURL):
            scratch = try ScratchDatabase(label: "jobsbench", postgresServer: serverURL)
            database = try scratch.open(connections: BenchEngine.postgresPoolSize)
        }
        _ = try Schema.migrator(for: database.dialect).migrateBlocking(database)
    }

    func remove() {
        database.close()
        scratch.remove()
    }
}
