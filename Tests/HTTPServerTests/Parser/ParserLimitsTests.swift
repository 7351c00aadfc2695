import Testing

@testable import HTTPServer

@Suite("Parser: limits, at the boundary and one past it")
struct ParserLimitsTests {
    private static let limits = HTTPParserLimits()

    /// A GET request whose request line (without CRLF) is exactly `length` bytes.
    private static func requestLine(length: Int) -> String {
        "GET /" + String(repeating: "a", count: length - "GET / HTTP/1.1".count) + " HTTP/1.1"
    }

    /// A head of exactly `length` bytes including every CRLF and the empty line.
    private static func head(length: Int) -> String {
        let prefix = "GET / HTTP/1.1\r\nHost: x\r\nX-Fill: "
        return prefix + String(repeating: "f", count: length - prefix.utf8.count - 4) + "\r\n\r\n"
    }

    /// A head with `count` fields in all (Host included).
    private static func head(fieldCount count: Int) -> String {
        "GET / HTTP/1.1\r\nHost: x\r\n" + (1..<count).map { "X-\($0): v\r\n" }.joined() + "\r\n"
    }

    @Test("request line: 8192 bytes accepted, 8193 → 414, detected before the line ends")
    func requestLineLength() {
        let max = Self.limits.maxRequestLineLength
        #expect(max == 8192)
        expectAccepted(Self.requestLine(length: max) + "\r\nHost: x\r\n\r\n")
        expectRejected(Self.requestLine(length: max + 1) + "\r\nHost: x\r\n\r\n", status: 414)
        // Early: the 8193rd byte of the line is enough, no CRLF needed.
        let partial = Array(Self.requestLine(length: max + 100).utf8.prefix(max + 1))
        #expect(parse(partial).error?.status == 414)
        #expect(parse(Array(partial.dropLast())).error == nil)
        // A method alone that long is also a long request line.
        let longMethod = Array(repeating: UInt8(ascii: "G"), count: max + 1)
        #expect(parse(longMethod).error?.status == 414)
    }

    @Test("head: 16384 bytes accepted, 16385 → 431, detected while it still arrives")
    func headLength() {
        let max = Self.limits.maxHeadLength
        #expect(max == 16384)
        #expect(Self.head(length: max).utf8.count == max)
        expectAccepted(Self.head(length: max))
        expectRejected(Self.head(length: max + 1), status: 431, kind: .headTooLarge)
        let partial = Array(Self.head(length: max + 5000).utf8.prefix(max + 1))
        #expect(parse(partial).error?.status == 431)
        #expect(parse(Array(partial.dropLast())).error == nil)
        // Empty lines before the request line are not part of the head.
        expectAccepted("\r\n\r\n" + Self.head(length: max))
    }

    @Test("fields: 100 accepted, 101 → 431 as soon as the 101st starts")
    func fieldCount() {
        expectAccepted(Self.head(fieldCount: 100))
        expectRejected(Self.head(fieldCount: 101), status: 431, kind: .tooManyFields)
        // Everything but the final empty line, then the first byte of a 101st field.
        let hundred = Array(Self.head(fieldCount: 100).utf8.dropLast(2))
        #expect(parse(hundred + [UInt8(ascii: "X")]).error?.kind == .tooManyFields)
        #expect(parse(hundred).error == nil)
    }

    @Test("Content-Length: the limit accepted, one more → 413 at head time, before any body byte")
    func contentLengthLimit() {
        let max = Self.limits.maxBodyLength
        let body = String(repeating: "b", count: max)
        let accepted = expectAccepted("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(max)\r\n\r\n" + body)
        #expect(accepted.bodies.first?.count == max)
        let outcome = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(max + 1)\r\n\r\n")
        #expect(outcome.error?.status == 413)
        #expect(outcome.heads.isEmpty)
    }

    @Test("chunked: the limit accepted, one more → 413 at the chunk that exceeds it")
    func chunkedLimit() {
        let limits = HTTPParserLimits(maxBodyLength: 20)
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        let fits = head + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n"
        #expect(expectAccepted(fits, limits: limits).bodies.first?.count == 20)
        let outcome = parse(head + "a\r\n0123456789\r\nb\r\n", limits: limits)
        #expect(outcome.error?.status == 413)
        #expect(outcome.heads.count == 1)
    }

    @Test("chunked at the default 1 MiB limit: exactly the limit accepted, one byte more refused")
    func chunkedDefaultLimit() {
        let max = Self.limits.maxBodyLength
        let head = Array("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let data = [UInt8](repeating: 0x62, count: max)
        let exact = head + Array("\(String(max, radix: 16))\r\n".utf8) + data + Array("\r\n0\r\n\r\n".utf8)
        #expect(parse(exact).bodies.first?.count == max)
        let over = head + Array("\(String(max, radix: 16))\r\n".utf8) + data + Array("\r\n1\r\n".utf8)
        #expect(parse(over).error?.status == 413)
    }

    @Test("trailer fields count against the head's field and byte budget")
    func trailerBudget() {
        let chunkedHead = { (fields: Int) in
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + (2..<fields).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        }
        expectAccepted(chunkedHead(99) + "0\r\nT: 1\r\n\r\n")
        expectRejected(chunkedHead(99) + "0\r\nT: 1\r\nU: 2\r\n\r\n", status: 431, kind: .tooManyFields)

        let limits = HTTPParserLimits(maxHeadLength: 100)
        let head = chunkedHead(2)
        let remaining = 100 - head.utf8.count
        let trailer = "T: " + String(repeating: "t", count: remaining - 5) + "\r\n"
        #expect(trailer.utf8.count == remaining)
        expectAccepted(head + "0\r\n" + trailer + "\r\n", limits: limits)
        expectRejected(head + "0\r\nX" + trailer + "\r\n", status: 431, limits: limits)
    }

    @Test("a head exactly at the limit can still end its chunked body")
    func headAtLimitWithChunkedBody() {
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        let limits = HTTPParserLimits(maxHeadLength: head.utf8.count)
        expectAccepted(head + "3\r\nabc\r\n0\r\n\r\n", limits: limits)
    }

    @Test("small custom limits and zero limits")
    func customLimits() {
        let tight = HTTPParserLimits(maxRequestLineLength: 14, maxHeadLength: 27, maxHeaderCount: 1, maxBodyLength: 3)
        expectAccepted("GET / HTTP/1.1\r\nHost: x\r\n\r\n", limits: tight)
        expectRejected("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", status: 414, limits: tight)
        expectRejected("GET / HTTP/1.1\r\nHost: xy\r\n\r\n", status: 431, limits: tight)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\r\n", status: 431, limits: tight)
        let zero = HTTPParserLimits(maxRequestLineLength: -1, maxHeadLength: 0, maxHeaderCount: 0, maxBodyLength: 0)
        expectRejected("GET / HTTP/1.1\r\n\r\n", status: 431, limits: zero)
    }
}
