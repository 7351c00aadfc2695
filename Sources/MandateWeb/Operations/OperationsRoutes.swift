public import HTTPServer
public import Lifecycle
import SQLite
public import Storage

/// `/healthz`, `/readyz` and `/metrics` for load balancers, orchestrators and Prometheus.
public struct OperationsRoutes: Sendable {
    private let database: Database
    private let metrics: MetricsRegistry
    private let isDraining: @Sendable () -> Bool

    /// - Parameter isDraining: true once a graceful shutdown has begun; readiness then fails so
    ///   that load balancers stop sending new requests while in-flight ones finish.
    public init(database: Database, metrics: MetricsRegistry, isDraining: @escaping @Sendable () -> Bool = { false }) {
        self.database = database
        self.metrics = metrics
        self.isDraining = isDraining
    }

    public func register(on router: Router<MandateContext>) {
        // Liveness: the process answers. Nothing else is checked, so a slow database never gets
        // a healthy process restarted.
        router.get("/healthz") { _, _ in
            var response = HTTPResponse.json(bytes: Array(#"{"status":"ok"}"#.utf8))
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
        // Readiness: not draining, and the database answers a query.
        router.get("/readyz") { [database, isDraining] _, _ in
            if isDraining() {
                var response = HTTPResponse.json(
                    bytes: Array(#"{"status":"draining"}"#.utf8), status: .serviceUnavailable)
                response.headers.add(name: "Retry-After", value: "5")
                return response
            }
            do {
                _ = try await database.read { connection in try connection.queryOne("SELECT 1") }
                return .json(bytes: Array(#"{"status":"ready","database":"ok"}"#.utf8))
            } catch {
                var response = HTTPResponse.json(
                    bytes: Array(#"{"status":"unavailable","database":"unreachable"}"#.utf8),
                    status: .serviceUnavailable)
                response.headers.add(name: "Retry-After", value: "5")
                return response
            }
        }
        router.get("/metrics") { [metrics] _, _ in
            var response = HTTPResponse(status: .ok, body: Array(await metrics.render().utf8))
            response.headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
    }
}
