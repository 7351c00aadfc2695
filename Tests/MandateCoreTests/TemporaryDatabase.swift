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

    init() throws {
        scratch = try ScratchDatabase(label: "core", template: .mandateSchema)
        database = try scratch.open(connections: 1)
        _ = try Schema.migrator(for: database.dialect).migrateBlocking(database)
    }

    deinit {
        database.close()
    }
}
