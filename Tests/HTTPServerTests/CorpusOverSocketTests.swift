import Foundation
import HTTPServer
import Testing

/// The committed raw-request corpus (`Fixtures/http`), sent to a real server over a socket.
@Suite("Raw request corpus over real sockets")
struct CorpusOverSocketTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var status: Int?
        var requests: Int?
        var note: String?
        var testDescription: String { file }
    }

    static let cases: [Case] = {
        let url = repositoryRoot.appendingPathComponent("Fixtures/http/manifest.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode([Case].self, from: data)) ?? []
    }()

    @Test("the corpus is present")
    func corpusPresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test("each file gets the expected answers and nothing after a rejection is served", arguments: cases)
    func replay(_ testCase: Case) async throws {
        let bytes = try [UInt8](
            Data(contentsOf: repositoryRoot.appendingPathComponent("Fixtures/http/" + testCase.file)))
        let server = try TestServer.start { router in
            router.get("/smuggled") { _, _ in .text("SMUGGLED") }
            router.on("/", method: .get) { _, _ in .text("root") }
            router.on("/", method: .post) { _, _ in .text("root") }
            router.on("/upload", method: .post) { _, _ in .text("uploaded") }
        }
        let port = server.port
        let (statuses, trailing) = try await offPool {
            let client = try RawClient(port: port, timeout: 5)
            client.send(bytes)
            var statuses: [Int] = []
            while true {
                do {
                    let response = try client.readResponse()
                    if response.status != 100 { statuses.append(response.status) }
                    if response.text == "SMUGGLED" { statuses.append(-1) }
                } catch {
                    break
                }
                if let expected = testCase.status, statuses.count >= 1, statuses.last == expected { break }
            }
            return (statuses, client.readToEnd())
        }
        if let expected = testCase.status {
            #expect(statuses == [expected], "\(testCase.file): \(testCase.note ?? "")")
            #expect(trailing.isEmpty, "bytes after the rejection of \(testCase.file)")
        } else {
            #expect(!statuses.contains(-1) || testCase.file.contains("smuggl") == false)
            #expect(statuses.count == testCase.requests, "\(testCase.file): \(statuses)")
        }
        await server.stop()
    }
}
