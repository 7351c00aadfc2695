import DatabaseTestSupport
import Foundation
import Glibc
import Testing

@Suite("Operations endpoints of a running server")
struct ServeTests {
    @Test("healthz, readyz and metrics answer; environment variables configure the server")
    func operationsEndpoints() async throws {
        let database = try ScratchDatabase(label: "serve")
        defer { withExtendedLifetime(database) {} }
        let server = try MandateProcess(["serve"], environment: ["MANDATE_PORT": "0", "MANDATE_DB": database.argument])
        let port = try #require(await server.listeningPort(timeout: 60), "the server did not start:\n\(server.log)")
        let health = try Wire.get(port: port, path: "/healthz")
        #expect(health.hasPrefix("HTTP/1.1 200"))
        #expect(health.contains("X-Content-Type-Options: nosniff"))
        #expect(health.hasSuffix(#"{"status":"ok"}"#))
        #expect(try Wire.get(port: port, path: "/readyz").contains(#""database":"ok""#))
        let metrics = try Wire.get(port: port, path: "/metrics")
        #expect(metrics.contains("http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"))
        #expect(metrics.contains("http_request_duration_seconds_bucket"))
        #expect(metrics.contains("process_resident_memory_bytes "))
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
        // Every log line is one JSON object.
        for line in server.log.split(separator: "\n") where line.hasPrefix("{") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
    }
}
