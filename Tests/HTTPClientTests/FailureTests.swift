import Glibc
import HTTPClient
import Testing

@Suite("Failures")
struct FailureTests {
    @Test func connectionRefusedIsConnectionFailed() async throws {
        let (descriptor, port) = try LoopbackSocket.refusing()
        defer { close(descriptor) }
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let error = await failure(of: HTTPClientRequest(url: "http://127.0.0.1:\(port)/"), on: client)
        #expect(error?.reason == .connectionFailed)
        #expect(error?.message.isEmpty == false)
    }

    @Test func silentServerTimesOutAfterTotalTimeout() async throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = HTTPClient(configuration: HTTPClient.Configuration(totalTimeout: .milliseconds(300)))
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let error = await failure(of: HTTPClientRequest(url: server.url("/slow"), body: [1]), on: client)
        let elapsed = ContinuousClock.now - start
        #expect(error?.reason == .timedOut)
        #expect(elapsed >= .milliseconds(250))
        // Far below the failure mode (waiting forever for a server that never answers), and robust
        // on a loaded 2-core machine running the whole suite in parallel.
        #expect(elapsed < .seconds(15))
        // curl's error buffer text is part of the message.
        #expect(error?.message.contains("timed out") == true)
    }

    @Test func perRequestTimeoutOverridesConfiguration() async throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = HTTPClient(configuration: HTTPClient.Configuration(totalTimeout: .seconds(60)))
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let error = await failure(
            of: HTTPClientRequest(url: server.url(), body: [1], timeout: .milliseconds(300)), on: client)
        #expect(error?.reason == .timedOut)
        // The configured total timeout is 60 s: anything well below it proves the override.
        #expect(ContinuousClock.now - start < .seconds(15))
    }

    @Test func connectTimeoutAppliesWhileHandshakeHangs() async throws {
        let listener = try FullBacklogListener()
        let client = HTTPClient(
            configuration: HTTPClient.Configuration(connectTimeout: .milliseconds(300), totalTimeout: .seconds(30)))
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let error = await failure(of: HTTPClientRequest(url: "http://127.0.0.1:\(listener.port)/"), on: client)
        let elapsed = ContinuousClock.now - start
        #expect(error?.reason == .timedOut)
        #expect(elapsed >= .milliseconds(250))
        // The total timeout is 30 s: anything well below it proves the connect timeout fired.
        #expect(elapsed < .seconds(15))
        withExtendedLifetime(listener) {}
    }

    @Test(arguments: [
        "ftp://127.0.0.1:PORT/file", "file:///etc/passwd", "gopher://127.0.0.1:PORT/", "FTP://127.0.0.1:PORT/",
    ])
    func nonHTTPSchemesAreRejectedBeforeConnecting(url: String) async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse())
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: url.replacing("PORT", with: "\(server.port)"))
        let error = await failure(of: request, on: client)
        #expect(error?.reason == .unsupportedScheme)
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.acceptedConnections == 0)
    }

    @Test(arguments: ["not a url", "http://", "127.0.0.1/hook", "http://exa mple.com/", "http://[::1/", ""])
    func malformedURLsAreRejected(url: String) async {
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let error = await failure(of: HTTPClientRequest(url: url), on: client)
        #expect(error?.reason == .invalidURL)
    }

    @Test func injectedHeadersAndBadMethodsAreRejected() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse())
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let bad: [HTTPClientRequest] = [
            HTTPClientRequest(url: server.url(), headers: [("X-Sig", "a\r\nX-Evil: 1")]),
            HTTPClientRequest(url: server.url(), headers: [("Bad Name", "v")]),
            HTTPClientRequest(url: server.url(), headers: [("Content-Length", "5")]),
            HTTPClientRequest(url: server.url(), headers: [("Transfer-Encoding", "chunked")]),
            HTTPClientRequest(method: "GET /x HTTP/1.1\r\n", url: server.url()),
            HTTPClientRequest(method: "", url: server.url()),
            HTTPClientRequest(method: "HEAD", url: server.url(), body: [1]),
        ]
        for request in bad {
            let error = await failure(of: request, on: client)
            #expect(error?.reason == .invalidRequest)
        }
        #expect(server.acceptedConnections == 0)
    }

    @Test func responseOverLimitWithContentLengthIsTooLarge() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse(body: [UInt8](repeating: 65, count: 4096)))
        var configuration = quickConfiguration()
        configuration.maximumResponseBodySize = 1024
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let error = await failure(of: HTTPClientRequest(url: server.url(), body: [1]), on: client)
        #expect(error?.reason == .responseTooLarge)
    }

    @Test func responseOverLimitWithoutContentLengthIsTooLarge() async throws {
        let server = try ScriptedHTTPServer(
            answering: ScriptedResponse(body: [UInt8](repeating: 66, count: 200_000), sendsContentLength: false))
        var configuration = quickConfiguration()
        configuration.maximumResponseBodySize = 1024
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let error = await failure(of: HTTPClientRequest(url: server.url(), body: [1]), on: client)
        #expect(error?.reason == .responseTooLarge)
    }

    @Test func responseExactlyAtLimitIsAccepted() async throws {
        let server = try ScriptedHTTPServer(
            answering: ScriptedResponse(body: [UInt8](repeating: 67, count: 1024), sendsContentLength: false))
        var configuration = quickConfiguration()
        configuration.maximumResponseBodySize = 1024
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: server.url(), body: [1]))
        #expect(response.body.count == 1024)
    }
}
