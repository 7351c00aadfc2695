import Foundation
import Storage

/// A database created for one benchmark on a PostgreSQL server and dropped afterwards.
struct PostgresScratch {
    let serverURL: String
    let name: String

    /// The URL of the scratch database (the server URL with its database name replaced).
    var url: String { DatabaseLocation.postgresURL(serverURL, database: name) }

    /// Creates the database on the server that `serverURL` (a URL of an existing database) names.
    init(serverURL: String, label: String) throws {
        self.serverURL = serverURL
        name = label + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try Self.onServer(serverURL, "CREATE DATABASE \(name)")
    }

    /// Drops the database, closing the connections still open to it.
    func drop() {
        try? Self.onServer(serverURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static func onServer(_ serverURL: String, _ sql: String) throws {
        let server = try Database(postgresURL: serverURL, poolSize: 1)
        defer { server.close() }
        try server.writeWithoutTransactionBlocking { try $0.execute(sql) }
    }
}

/// The PostgreSQL server of `--db postgres://…` or `MANDATE_BENCH_POSTGRES`, if any: benchmarks
/// that support it then also run on PostgreSQL.
func postgresServer(in arguments: [String]) -> String? {
    if let url = option("--db", in: arguments), url.hasPrefix("postgres") { return url }
    let variable = ProcessInfo.processInfo.environment["MANDATE_BENCH_POSTGRES"] ?? ""
    return variable.isEmpty ? nil : variable
}
