import HTTPClient
import Testing

@Suite("Requests and responses")
struct RequestResponseTests {
    @Test func postCarriesMethodPathHeadersAndExactBody() async throws {
        let reply = ScriptedResponse(
            status: 201, headers: [("X-Reply", "ok"), ("Content-Type", "text/plain")], body: Array("accepted".utf8))
        let server = try ScriptedHTTPServer(answering: reply)
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let body: [UInt8] = Array("{\"to\":\"+15550100\"}".utf8) + [0x00, 0xFF, 0x0D, 0x0A]
        let response = try await client.execute(
            HTTPClientRequest(
                url: server.url("/hooks/sms?attempt=1"),
                headers: [("Content-Type", "application/json"), ("X-Signature", "t=1,v1=abc"), ("X-Empty", "")],
                body: body))

        let seen = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(seen.method == "POST")
        #expect(seen.target == "/hooks/sms?attempt=1")
        #expect(seen.body == body)
        #expect(seen.header("content-type") == "application/json")
        #expect(seen.header("X-Signature") == "t=1,v1=abc")
        #expect(seen.header("X-Empty") == "")
        #expect(seen.header("Content-Length") == "\(body.count)")
        #expect(seen.header("User-Agent") == "Mandate")
        #expect(seen.header("Expect") == nil)

        #expect(response.status == 201)
        #expect(response.header("x-reply") == "ok")
        #expect(response.header("CONTENT-TYPE") == "text/plain")
        #expect(response.header("Missing") == nil)
        #expect(response.body == Array("accepted".utf8))
    }

    @Test func getPutDeleteAndEmptyBodies() async throws {
        let server = try ScriptedHTTPServer { request in
            .respond(ScriptedResponse(status: 200, body: Array("\(request.method) \(request.body.count)".utf8)))
        }
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }

        let get = try await client.execute(HTTPClientRequest(method: "GET", url: server.url("/get")))
        let put = try await client.execute(
            HTTPClientRequest(method: "PUT", url: server.url("/put"), body: Array("replace".utf8)))
        let delete = try await client.execute(HTTPClientRequest(method: "DELETE", url: server.url("/delete")))
        let emptyPost = try await client.execute(HTTPClientRequest(url: server.url("/post")))
        let emptyPut = try await client.execute(HTTPClientRequest(method: "PUT", url: server.url("/empty-put")))

        #expect(String(decoding: get.body, as: UTF8.self) == "GET 0")
        #expect(String(decoding: put.body, as: UTF8.self) == "PUT 7")
        #expect(String(decoding: delete.body, as: UTF8.self) == "DELETE 0")
        #expect(String(decoding: emptyPost.body, as: UTF8.self) == "POST 0")
        #expect(String(decoding: emptyPut.body, as: UTF8.self) == "PUT 0")

        let seen = server.requests
        #expect(seen.map(\.method) == ["GET", "PUT", "DELETE", "POST", "PUT"])
        #expect(seen[0].header("Content-Length") == nil)
        #expect(seen[1].body == Array("replace".utf8))
        #expect(seen[2].header("Content-Length") == nil)
        #expect(seen[3].header("Content-Length") == "0")
        // Without a Content-Type from the caller none is invented (curl would say form-urlencoded).
        #expect(seen[3].header("Content-Type") == nil)
        #expect(seen[4].header("Content-Length") == "0")
    }

    @Test func largeBodyIsSentWithoutWaitingForContinue() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse(status: 204))
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let body = (0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try await client.execute(HTTPClientRequest(url: server.url("/big"), body: body))
        #expect(response.status == 204)
        #expect(server.requests.first?.body == body)
        #expect(server.requests.first?.header("Expect") == nil)
    }

    @Test func interimResponseHeadersAreNotMixedIntoFinalHeaders() async throws {
        let reply = ScriptedResponse(
            status: 200, headers: [("X-Final", "yes")], body: Array("done".utf8),
            interim: [(status: 100, headers: []), (status: 103, headers: [("Link", "</style.css>; rel=preload")])])
        let server = try ScriptedHTTPServer(answering: reply)
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: server.url(), body: [1, 2, 3]))
        #expect(response.status == 200)
        #expect(response.header("Link") == nil)
        #expect(response.header("X-Final") == "yes")
        #expect(response.body == Array("done".utf8))
    }

    @Test func callerUserAgentReplacesConfiguredOne() async throws {
        let server = try ScriptedHTTPServer(answering: ScriptedResponse())
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        _ = try await client.execute(
            HTTPClientRequest(method: "GET", url: server.url(), headers: [("User-Agent", "Custom/1")]))
        #expect(server.requests.first?.header("User-Agent") == "Custom/1")
    }

    @Test func headerLookupIsCaseInsensitiveAndReturnsFirst() {
        let response = HTTPClientResponse(status: 200, headers: [("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
        #expect(response.header("SET-COOKIE") == "a=1")
    }
}
