import Foundation
import MandateCore
import SQLite

/// A fresh database file in its own temporary directory, migrated with the outbox schema;
/// the directory is removed when the value goes away.
final class TemporaryDatabase: Sendable {
    let directory: String
    let database: Database

    init() throws {
        directory = NSTemporaryDirectory() + "mandate-core-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database(path: directory + "/test.sqlite", readerCount: 1)
        _ = try Migrator(OutboxSchema.migrations).migrateBlocking(database)
    }

    deinit {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
