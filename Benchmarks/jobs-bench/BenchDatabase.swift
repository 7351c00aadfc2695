import Foundation
import MandateCore
import SQLite
import Storage

/// A migrated database in a fresh temporary directory, removed by ``remove()``.
struct BenchDatabase {
    let directory: String
    let database: Database

    init() throws {
        directory = NSTemporaryDirectory() + "jobs-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database(path: directory + "/bench.sqlite", readerCount: 2)
        _ = try Migrator(OutboxSchema.migrations).migrateBlocking(database)
    }

    func remove() {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
