import Testing

@testable import HTTPServer

@Suite("Parser: pipelining, 100-continue, state and memory")
struct ParserPipeliningTests {
    @Test("pipelined requests come out in order and bodies never leak into the next request")
    func pipelinedOrder() throws {
        let text =
            "POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 18\r\n\r\nGET /fake HTTP/1.1"
            + "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nGET \r\n0\r\n\r\n"
            + "PUT /4 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
        let outcome = expectAccepted(text, requests: 4)
        #expect(outcome.heads.map(\.target) == ["/1", "/2", "/3", "/4"])
        #expect(outcome.bodies == [Array("GET /fake HTTP/1.1".utf8), [], Array("GET ".utf8), Array("ok".utf8)])
        let expectedOrder = ["head", "complete", "head", "complete", "head", "complete", "head", "complete"]
        #expect(outcome.events.map { if case .head = $0 { "head" } else { "complete" } } == expectedOrder)
    }

    @Test("100-continue: the head comes before the body is sent, then the body")
    func expectContinueFlow() throws {
        var parser = HTTPRequestParser()
        parser.append(
            contentsOf: Array("PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n".utf8))
        guard case .head(let head) = try #require(try parser.next()) else {
            Issue.record("expected a head")
            return
        }
        #expect(head.expectsContinue)
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest)
        #expect(!parser.isIdle)
        parser.append(contentsOf: Array("hel".utf8))
        #expect(try parser.next() == nil)
        parser.append(contentsOf: Array("lo".utf8))
        guard case .complete(let body) = try #require(try parser.next()) else {
            Issue.record("expected the body")
            return
        }
        #expect(body == Array("hello".utf8))
        #expect(parser.isIdle)
        #expect(try parser.next() == nil)
    }

    @Test("the caller may pause after .head; pipelined bytes wait in the buffer")
    func pauseAfterHead() throws {
        var parser = HTTPRequestParser()
        let second = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        parser.append(contentsOf: Array(("GET /a HTTP/1.1\r\nHost: x\r\n\r\n" + second).utf8))
        guard case .head(let first) = try #require(try parser.next()) else { return }
        #expect(first.target == "/a")
        #expect(parser.bufferedByteCount == second.utf8.count)
        guard case .complete = try #require(try parser.next()) else { return }
        #expect(parser.hasPartialRequest)
        guard case .head(let next) = try #require(try parser.next()) else { return }
        #expect(next.target == "/b")
        guard case .complete = try #require(try parser.next()) else { return }
        #expect(parser.isIdle && !parser.hasPartialRequest && parser.bufferedByteCount == 0)
    }

    @Test("isIdle and hasPartialRequest track the connection state")
    func idleAndPartial() throws {
        var parser = HTTPRequestParser()
        #expect(parser.isIdle && !parser.hasPartialRequest)
        parser.append(contentsOf: Array("G".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle && parser.hasPartialRequest)
        parser.append(contentsOf: Array("ET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        _ = try parser.next()
        #expect(parser.hasPartialRequest)
        _ = try parser.next()
        #expect(parser.isIdle && !parser.hasPartialRequest)
        parser.append(contentsOf: Array("\r\n".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest)
    }

    @Test("an error poisons the parser: the same error forever, later bytes are dropped")
    func poisoning() {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 0\r\n\r\n".utf8))
        let error = HTTPParseError(status: 400, reason: "Content-Length is not a number", kind: .invalidContentLength)
        #expect(throws: error) { try parser.next() }
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(parser.bufferedByteCount == 0)
        #expect(throws: error) { try parser.next() }
        #expect(throws: error) { try parser.next() }
        #expect(error.description == "400 Content-Length is not a number")
    }

    @Test("memory stays bounded over 10,000 pipelined requests on one parser")
    func boundedMemory() throws {
        var parser = HTTPRequestParser()
        let request = Array("POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789".utf8)
        var stream: [UInt8] = []
        for _ in 0..<10_000 { stream += request }
        var completed = 0
        var maxCapacity = 0
        var offset = 0
        let readSize = 1000  // like socket reads: requests cut at arbitrary points
        while offset < stream.count {
            let end = min(offset + readSize, stream.count)
            stream[offset..<end].withUnsafeBytes { parser.append($0) }
            offset = end
            while let event = try parser.next() {
                if case .complete(let body) = event {
                    #expect(body.count == 10)
                    completed += 1
                }
            }
            maxCapacity = max(maxCapacity, parser.bufferCapacity)
        }
        #expect(completed == 10_000)
        #expect(parser.isIdle)
        #expect(maxCapacity <= 16 * 1024, "buffer grew to \(maxCapacity)")
    }

    @Test("a large buffer is released once drained")
    func releasesLargeBuffer() throws {
        var parser = HTTPRequestParser()
        let body = [UInt8](repeating: 0x61, count: 200_000)
        parser.append(contentsOf: Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n".utf8) + body)
        _ = try parser.next()
        _ = try parser.next()
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(parser.bufferCapacity < 64 * 1024)
        _ = try parser.next()
    }

    @Test("a slow client: a chunked body one byte at a time")
    func slowChunkedClient() {
        let chunks = (0..<200).map { _ in "7\r\nabcdefg\r\n" }.joined()
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n"
        let outcome = parseBytewise(Array(text.utf8))
        #expect(outcome.error == nil)
        #expect(outcome.bodies.first?.count == 1400)
    }
}
