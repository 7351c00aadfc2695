import Foundation
import Glibc
import MandateCore
import Postgres
public import Storage
import Synchronization

/// A database that ``ScratchDatabase`` copies on PostgreSQL instead of starting empty: built on
/// first use in each test process (the tests of a process share it), and dropped when the process
/// exits. On SQLite it is not used: a scratch database starts empty and the test migrates it.
public final class ScratchTemplate: Sendable {
    private let label: String
    private let prepare: @Sendable (Database) throws -> Void
    /// The template's database name once built (per server URL).
    private let built = Mutex<[String: String]>([:])

    /// A template named after `label`, filled by `prepare`.
    public init(label: String, prepare: @escaping @Sendable (Database) throws -> Void) {
        self.label = label
        self.prepare = prepare
    }

    /// The whole Mandate schema, migrated.
    public static let mandateSchema = ScratchTemplate(label: "schema") { database in
        _ = try Schema.migrator(for: database.dialect).migrateBlocking(database)
    }

    /// The name of the built template on the server at `serverURL`, building it first if needed
    /// (under the lock, so parallel tests wait for one build).
    func databaseName(serverURL: String) throws -> String {
        try built.withLock { names in
            if let name = names[serverURL] { return name }
            let name = "mandate_template_\(label)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
            try ScratchDatabase.create(name, from: nil, serverURL: serverURL)
            ScratchTemplates.created(name, serverURL: serverURL)
            // Built under a connection that is closed again: PostgreSQL copies a template only
            // while nobody is connected to it.
            let database = try Database(
                postgresURL: DatabaseLocation.postgresURL(serverURL, database: name), poolSize: 1)
            defer { database.close() }
            try prepare(database)
            names[serverURL] = name
            return name
        }
    }
}

/// The templates this process built, dropped at exit.
enum ScratchTemplates {
    private static let list = Mutex<[(name: String, serverURL: String)]>([])

    static func created(_ name: String, serverURL: String) {
        let first = list.withLock { list in
            list.append((name, serverURL))
            return list.count == 1
        }
        if first { atexit { ScratchTemplates.dropAll() } }
    }

    private static func dropAll() {
        for (name, serverURL) in list.withLock({ $0 }) {
            guard let server = try? PostgresConnection(serverURL) else { continue }
            _ = try? server.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            server.close()
        }
    }
}
