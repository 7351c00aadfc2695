import DatabaseTestSupport
import Foundation
import Glibc
import Testing

/// A `mandate serve --demo` being started; ``baseURL()`` waits until it listens, so a test can
/// open its browser while the server seeds the demo data.
struct DemoServer: Sendable {
    let process: MandateProcess

    /// `http://127.0.0.1:<port>`, once the server logs that it listens.
    func baseURL() async throws -> String {
        guard let port = await process.listeningPort(timeout: 60) else {
            throw WebDriverError(reason: .transport, message: "mandate serve did not start:\n\(process.log)")
        }
        return "http://127.0.0.1:\(port)"
    }
}

extension MandateProcess {
    /// Starts `mandate serve --demo` on a free port with a fresh database (SQLite, or PostgreSQL
    /// under `MANDATE_TEST_DATABASE`), calls `body`, and always stops the server and deletes the
    /// database afterwards.
    static func withDemoServer<Result>(
        environment: [String: String] = [:], _ body: (DemoServer) async throws -> Result
    ) async throws -> Result {
        let database = try ScratchDatabase(label: "browser")
        defer { withExtendedLifetime(database) {} }
        let process = try MandateProcess(
            ["serve", "--demo"],
            environment: ["MANDATE_PORT": "0", "MANDATE_DB": database.argument].merging(environment) { _, new in new })
        let result: Result
        do {
            result = try await body(DemoServer(process: process))
        } catch {
            process.signal(SIGTERM)
            _ = await process.waitForExit()
            throw error
        }
        process.signal(SIGTERM)
        let status = await process.waitForExit()
        #expect(status == 0, "mandate serve exited with \(status):\n\(process.log)")
        return result
    }
}
