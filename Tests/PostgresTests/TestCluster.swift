import Foundation
import Postgres
import Testing

/// The PostgreSQL the tests use: `MANDATE_TEST_POSTGRES_URL`, as printed by
/// `scripts/pg-cluster.sh start .build/pg` (`make test` starts that cluster and sets the variable).
///
/// Without the variable the suites that need a server are skipped, unless
/// `MANDATE_REQUIRE_POSTGRES=1` (set by `make test`, so CI cannot pass by skipping), in which case
/// they fail and say how to start the cluster.
enum TestCluster {
    static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["MANDATE_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// Whether a missing server is a failure rather than a skip.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["MANDATE_REQUIRE_POSTGRES"] == "1" }

    static let missingMessage =
        "no PostgreSQL test server: set MANDATE_TEST_POSTGRES_URL to the URL printed by "
        + "`scripts/pg-cluster.sh start .build/pg` (make test does this)"

    /// The URL; throws when it is missing, which happens only when it is required.
    static func requireURL() throws -> String {
        guard let url else { throw MissingServer() }
        return url
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String { TestCluster.missingMessage }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the suite when a test server is configured or required; skips it, saying why, otherwise.
    static var whenPostgresConfigured: Self {
        .enabled(if: TestCluster.url != nil || TestCluster.isRequired, Comment(rawValue: TestCluster.missingMessage))
    }
}

/// A schema of its own for one test, so tests running in parallel on one database never see each
/// other's tables. Connections from ``connect()`` have it first in their `search_path`.
struct TestSchema: Sendable {
    let url: String
    let name: String

    func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(url)
        try connection.execute("SET search_path TO \(name)")
        return connection
    }
}

/// Creates a fresh schema, runs `body`, and drops the schema with everything in it.
func withTestSchema<T>(_ body: (TestSchema) async throws -> T) async throws -> T {
    let url = try TestCluster.requireURL()
    let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let admin = try PostgresConnection(url)
    try admin.execute("CREATE SCHEMA \(name)")
    defer { try? admin.execute("DROP SCHEMA \(name) CASCADE") }
    return try await body(TestSchema(url: url, name: name))
}

/// Runs `body` on a thread of its own: connections block their thread while the server works, and
/// two of them working at once must not share (or starve) the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A random advisory-lock key, so parallel tests never contend for the same lock by accident.
func randomLockKey() -> Int64 { Int64.random(in: 1...Int64.max) }
