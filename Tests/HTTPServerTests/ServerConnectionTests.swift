import Foundation
import HTTPServer
import Testing

@Suite("HTTP server over real sockets")
struct ServerConnectionTests {
    @Test("keep-alive serves several requests on one connection")
    func keepAlive() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let port = server.port
        let statuses = try await offPool {
            let client = try RawClient(port: port)
            var statuses: [Int] = []
            for _ in 0..<3 {
                client.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.text == "hello\n")
                #expect(response.header("Connection") == nil)
                statuses.append(response.status)
            }
            return statuses
        }
        #expect(statuses == [200, 200, 200])
        await server.stop()
    }

    @Test("pipelined requests are answered in order, even when the first is slow")
    func pipeliningOrder() async throws {
        let server = try TestServer.start()
        let port = server.port
        let bodies = try await offPool {
            let client = try RawClient(port: port)
            client.send(
                "GET /slow?ms=150 HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde"
                    + "GET /path/seven%20x?q=%C3%A9 HTTP/1.1\r\nHost: t\r\n\r\n")
            return try (0..<4).map { _ in try client.readResponse().text }
        }
        #expect(bodies == ["slow done\n", "hello\n", "abcde", "id=seven x q=é"])
        await server.stop()
    }

    @Test("HEAD gets the headers of GET and no body, and the connection stays usable")
    func headRequest() async throws {
        let server = try TestServer.start()
        let port = server.port
        let (head, next) = try await offPool {
            let client = try RawClient(port: port)
            client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return (try client.readResponse(headRequest: true), try client.readResponse())
        }
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "6")
        #expect(head.body.isEmpty)
        #expect(next.text == "hello\n")
        await server.stop()
    }

    @Test("chunked request bodies are decoded")
    func chunkedBody() async throws {
        let server = try TestServer.start()
        let port = server.port
        let text = try await offPool {
            let client = try RawClient(port: port)
            client.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(text == "hello world")
        await server.stop()
    }

    @Test("Expect: 100-continue gets an interim response before the body is sent")
    func expectContinue() async throws {
        let server = try TestServer.start()
        let port = server.port
        let (interim, final) = try await offPool {
            let client = try RawClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            client.send("data")
            return (interim.status, try client.readResponse().text)
        }
        #expect(interim == 100)
        #expect(final == "data")
        await server.stop()
    }

    @Test("an oversized body announced with Expect: 100-continue is refused without reading it")
    func expectContinueTooLarge() async throws {
        let server = try TestServer.start()
        let port = server.port
        let (status, closed) = try await offPool {
            let client = try RawClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\nExpect: 100-continue\r\n\r\n")
            let response = try client.readResponse()
            return (response.status, client.isClosedByServer())
        }
        #expect(status == 413)
        #expect(closed)
        await server.stop()
    }

    @Test("a 2 MiB body is refused with 413 and the connection closed")
    func bodyTooLarge() async throws {
        let server = try TestServer.start()
        let port = server.port
        let (status, closed) = try await offPool {
            let client = try RawClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n")
            client.send([UInt8](repeating: 0x61, count: 2 << 20))
            let response = try client.readResponse()
            return (response.status, client.isClosedByServer())
        }
        #expect(status == 413)
        #expect(closed)
        await server.stop()
    }

    @Test("a 2 MiB chunked body is refused with 413 too")
    func chunkedBodyTooLarge() async throws {
        let server = try TestServer.start()
        let port = server.port
        let status = try await offPool {
            let client = try RawClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = "10000\r\n" + String(repeating: "b", count: 0x10000) + "\r\n"
            for _ in 0..<32 { client.send(chunk) }
            return try client.readResponse().status
        }
        #expect(status == 413)
        await server.stop()
    }
}
