import Foundation
import HTTPServer
import Synchronization
import Testing

@Suite("HTTP server graceful shutdown")
struct ServerShutdownTests {
    /// Signals between the test and the server's handler threads.
    final class Flags: Sendable {
        let handlerStarted = Atomic<Bool>(false)
        let idleClientReady = Atomic<Bool>(false)
        let server = Mutex<HTTPServer?>(nil)
    }

    @Test("shutdown lets an in-flight request finish, closes idle connections and stops accepting")
    func drainsInFlightRequest() async throws {
        let flags = Flags()
        let server = try TestServer.start { router in
            router.get("/inflight") { _, _ in
                flags.handlerStarted.store(true, ordering: .relaxed)
                // Still in flight when the drain starts, whatever the machine's load.
                while !(flags.server.withLock { $0?.isDraining } ?? false) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                try await Task.sleep(for: .milliseconds(100))
                return .text("slow done\n")
            }
        }
        flags.server.withLock { $0 = server.server }
        let port = server.port
        // An idle keep-alive connection that must be closed by the drain.
        async let idleClosed: Bool = offPool {
            let client = try RawClient(port: port, timeout: 10)
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try client.readResponse()
            flags.idleClientReady.store(true, ordering: .relaxed)
            return client.isClosedByServer()
        }
        async let inFlight: RawClient.Response = offPool {
            let client = try RawClient(port: port, timeout: 10)
            client.send("GET /inflight HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readResponse()
        }
        while !flags.handlerStarted.load(ordering: .relaxed) || !flags.idleClientReady.load(ordering: .relaxed) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let started = Date()
        await server.stop()
        let response = try await inFlight
        #expect(response.status == 200)
        #expect(response.text == "slow done\n")
        #expect(response.header("Connection") == "close")
        #expect(try await idleClosed)
        #expect(Date().timeIntervalSince(started) < 5)
        let refused = try await offPool { () -> Bool in
            do {
                _ = try RawClient(port: port)
                return false
            } catch {
                return true
            }
        }
        #expect(refused)
    }

    @Test("shutdown gives up on a request that outlives the grace period and cuts its connection")
    func gracePeriod() async throws {
        let flags = Flags()
        let server = try TestServer.start(
            configuration: HTTPServerConfiguration(shutdownGracePeriod: .milliseconds(300))
        ) { router in
            router.get("/stuck") { _, _ in
                flags.handlerStarted.store(true, ordering: .relaxed)
                try await Task.sleep(for: .seconds(5))
                return .text("too late\n")
            }
        }
        let port = server.port
        async let cutOff: Bool = offPool {
            let client = try RawClient(port: port, timeout: 8)
            client.send("GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n")
            return client.isClosedByServer()
        }
        while !flags.handlerStarted.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let started = Date()
        await server.stop()
        // The handler sleeps 5 s; stopping clearly before it ends proves the grace period (300 ms)
        // and the forced close (1 s) applied.
        #expect(Date().timeIntervalSince(started) < 4.5)
        // The client sees its connection end without waiting for the handler.
        #expect(try await cutOff)
    }
}
