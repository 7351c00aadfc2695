import HTTPClient
import Testing

@Suite("Status codes are responses")
struct StatusCodeTests {
    @Test func redirectIsReturnedNotFollowed() async throws {
        let server = try ScriptedHTTPServer { request in
            if request.target == "/moved" {
                return .respond(ScriptedResponse(status: 302, headers: [("Location", "/elsewhere")]))
            }
            return .respond(ScriptedResponse(status: 200, body: Array("followed".utf8)))
        }
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: server.url("/moved"), body: [1]))
        #expect(response.status == 302)
        #expect(response.header("Location") == "/elsewhere")
        #expect(server.requests.count == 1)
        #expect(server.requests.map(\.target) == ["/moved"])
    }

    @Test(arguments: [500, 429, 410, 404])
    func errorStatusesAreResponses(status: Int) async throws {
        let headers: [(name: String, value: String)] = status == 429 ? [("Retry-After", "7")] : []
        let server = try ScriptedHTTPServer(
            answering: ScriptedResponse(status: status, headers: headers, body: Array("nope".utf8)))
        let client = HTTPClient(configuration: quickConfiguration())
        defer { client.shutdown() }
        let response = try await client.execute(HTTPClientRequest(url: server.url("/hook"), body: [1]))
        #expect(response.status == status)
        #expect(response.body == Array("nope".utf8))
        if status == 429 {
            #expect(response.header("retry-after") == "7")
        }
    }
}
