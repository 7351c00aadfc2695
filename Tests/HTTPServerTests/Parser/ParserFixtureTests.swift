import Foundation
import Testing

@testable import HTTPServer

/// One entry of `Fixtures/http/manifest.json`.
struct HTTPFixture: Decodable, Sendable, CustomTestStringConvertible {
    var file: String
    var status: Int?
    var requests: Int
    var note: String

    var testDescription: String { file }

    static func loadAll() -> [HTTPFixture] {
        let url = httpFixturesDirectory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url),
            let fixtures = try? JSONDecoder().decode([HTTPFixture].self, from: data)
        else { return [] }
        return fixtures
    }

    func bytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: httpFixturesDirectory.appendingPathComponent(file)))
    }
}

@Suite("Parser: committed request corpus")
struct ParserFixtureTests {
    static let canaryTarget = "/smuggled"

    @Test("the manifest lists every .http file and the corpus covers the required cases")
    func manifestIsComplete() throws {
        let fixtures = HTTPFixture.loadAll()
        #expect(fixtures.count >= 40)
        let listed = Set(fixtures.map(\.file))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: httpFixturesDirectory.path)
            .filter { $0.hasSuffix(".http") }
        #expect(listed == Set(onDisk))
        for fixture in fixtures where fixture.status != nil {
            let bytes = try fixture.bytes()
            let canary = Array("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            #expect(Array(bytes.suffix(canary.count)) == canary, "\(fixture.file) must end with the canary")
        }
    }

    @Test("same outcome whole, byte by byte and split anywhere", arguments: HTTPFixture.loadAll())
    func fixture(_ fixture: HTTPFixture) throws {
        let bytes = try fixture.bytes()
        let whole = parse(bytes)
        check(whole, against: fixture)
        #expect(parseBytewise(bytes) == whole, "byte by byte")
        if bytes.count < 2048 {
            for position in 0...bytes.count {
                let split = parseSplit(bytes, at: position)
                #expect(split == whole, "split at \(position)")
                if split != whole { break }
            }
        }
    }

    private func check(_ outcome: ParseOutcome, against fixture: HTTPFixture) {
        #expect(!outcome.heads.contains { $0.target == Self.canaryTarget }, "the canary was parsed")
        if let status = fixture.status {
            #expect(outcome.error?.status == status, "\(outcome.error.map(\.description) ?? "no error")")
        } else {
            #expect(outcome.error == nil, "\(outcome.error.map(\.description) ?? "")")
        }
        #expect(outcome.requestsAnswered == fixture.requests)
    }
}
