public import HTTPServer
public import Lifecycle
public import SQLite

/// `/healthz`, `/readyz` and `/metrics` for load balancers, orchestrators and Prometheus.
public struct OperationsRoutes: Sendable {
    private let database: Database
    private let metrics: MetricsRegistry

    public init(database: Database, metrics: MetricsRegistry) {
        self.database = database
        self.metrics = metrics
    }

    public func register(on router: Router<MandateContext>) {
        // Liveness: the process answers. Nothing else is checked, so a slow database never gets
        // a healthy process restarted.
        router.get("/healthz") { _, _ in
            var response = HTTPResponse.json(bytes: Array(#"{"status":"ok"}"#.utf8))
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
        // Readiness: the database answers a query.
        router.get("/readyz") { [database] _, _ in
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
