import Foundation
import MandateCore
import SQLite

/// A fresh database file in its own temporary directory, migrated with the outbox schema;
/// the directory is removed when the value goes away.
final class TemporaryDatabase: Sendable {
    let directory: String
    let path: String
    let database: Database

    init(readerCount: Int = 2) throws {
        directory = NSTemporaryDirectory() + "mandate-jobs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/test.sqlite"
        database = try Database(path: path, readerCount: readerCount)
        _ = try Migrator(OutboxSchema.migrations).migrateBlocking(database)
    }

    /// A second `Database` on the same file, as another process would open it.
    func openAnother() throws -> Database {
        try Database(path: path, readerCount: 2)
    }

    deinit {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
