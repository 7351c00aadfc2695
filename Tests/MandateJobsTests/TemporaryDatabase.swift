import DatabaseTestSupport
import Foundation
import MandateCore
import SQLite
import Storage

/// A fresh database (see `ScratchDatabase`) migrated with the whole schema; it is removed when
/// the value goes away.
final class TemporaryDatabase: Sendable {
    let scratch: ScratchDatabase
    let database: Database

    init(readerCount: Int = 2) throws {
        scratch = try ScratchDatabase(label: "jobs", template: .mandateSchema)
        database = try scratch.open(connections: readerCount)
        _ = try Schema.migrator(for: database.dialect).migrateBlocking(database)
    }

    /// A second `Database` on the same data, as another process would open it.
    func openAnother() throws -> Database {
        try scratch.open(connections: 2)
    }

    deinit {
        database.close()
    }
}
