import Foundation
import HTTPServer
import Testing

@Suite("HTTP server timeouts and limits")
struct ServerTimeoutTests {
    @Test("a slowloris client is cut off after the head timeout with 408")
    func slowloris() async throws {
        let server = try TestServer.start(configuration: HTTPServerConfiguration(headTimeout: .seconds(1)))
        let port = server.port
        let (status, closed, elapsed) = try await offPool {
            let client = try RawClient(port: port, timeout: 6)
            let start = Date()
            // One header byte every 200 ms: each byte resets nothing, the head deadline holds.
            for byte in "GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8 {
                client.send([byte])
                if Date().timeIntervalSince(start) > 1.6 { break }
                usleep(60_000)
            }
            let response = try client.readResponse()
            return (response.status, client.isClosedByServer(), Date().timeIntervalSince(start))
        }
        #expect(status == 408)
        #expect(closed)
        #expect(elapsed < 4)
        await server.stop()
    }

    @Test("a connection that sends nothing is closed silently after the head timeout")
    func silentConnection() async throws {
        let server = try TestServer.start(configuration: HTTPServerConfiguration(headTimeout: .seconds(1)))
        let port = server.port
        let received = try await offPool {
            let client = try RawClient(port: port, timeout: 4)
            return client.readToEnd()
        }
        #expect(received.isEmpty)
        await server.stop()
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() async throws {
        let server = try TestServer.start(configuration: HTTPServerConfiguration(idleTimeout: .seconds(1)))
        let port = server.port
        let (status, closed) = try await offPool {
            let client = try RawClient(port: port, timeout: 4)
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let status = try client.readResponse().status
            return (status, client.isClosedByServer())
        }
        #expect(status == 200)
        #expect(closed)
        await server.stop()
    }

    @Test("connections over the limit are refused with 503")
    func connectionLimit() async throws {
        let server = try TestServer.start(configuration: HTTPServerConfiguration(maximumConnections: 2))
        let port = server.port
        let (first, third) = try await offPool {
            let one = try RawClient(port: port)
            let two = try RawClient(port: port)
            one.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            two.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let first = try one.readResponse().status
            _ = try two.readResponse()
            let three = try RawClient(port: port)
            let third = try three.readResponse().status
            return (first, third)
        }
        #expect(first == 200)
        #expect(third == 503)
        await server.stop()
    }

    @Test("X-Forwarded-For and -Proto are believed only from trusted proxies")
    func trustedProxies() async throws {
        let request =
            "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9, 127.0.0.1\r\n"
            + "X-Forwarded-Proto: https\r\n\r\n"
        let trusting = try TestServer.start(configuration: HTTPServerConfiguration(trustedProxies: ["127.0.0.1"]))
        let trustingPort = trusting.port
        let trusted = try await offPool {
            let client = try RawClient(port: trustingPort)
            client.send(request)
            return try client.readResponse().text
        }
        #expect(trusted == "203.0.113.9 secure=true")
        await trusting.stop()

        let plain = try TestServer.start()
        let plainPort = plain.port
        let untrusted = try await offPool {
            let client = try RawClient(port: plainPort)
            client.send(request)
            return try client.readResponse().text
        }
        #expect(untrusted == "127.0.0.1 secure=false")
        await plain.stop()
    }
}
