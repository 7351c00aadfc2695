import Testing

@testable import HTTPServer

@Suite("Parser: chunked transfer coding (RFC 9112 §7.1)")
struct ParserChunkedTests {
    private static let head = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test("de-chunks, ignoring extensions and discarding trailers")
    func dechunk() throws {
        let outcome = expectAccepted(
            Self.head + "5\r\nhello\r\n1;ext\r\n \r\n0A ; a=b;c=\"d;e\"\r\n0123456789\r\n"
                + "000\r\nX-Trailer: t\r\nX-Other:\r\n\r\n"
        )
        #expect(outcome.heads.first?.framing == .chunked)
        #expect(outcome.bodies == [Array("hello 0123456789".utf8)])
        #expect(outcome.heads.first?.fields.contains("X-Trailer: t") == false)
    }

    @Test("hex digits in either case, empty body, and a large chunk")
    func sizes() {
        #expect(expectAccepted(Self.head + "0\r\n\r\n").bodies == [[]])
        let data = String(repeating: "z", count: 0xAbC)
        #expect(expectAccepted(Self.head + "aBc\r\n\(data)\r\n0\r\n\r\n").bodies == [Array(data.utf8)])
    }

    @Test(
        "invalid chunk size lines",
        arguments: [
            "zz\r\n", "\r\n", "+5\r\n", "-5\r\n", " 5\r\n", "5 \r\n", "0x5\r\n", "5\n", "5\rX", "5;\n",
            "FFFFFFFFFFFFFFFFF\r\n", "8000000000000000\r\n", "00000000000000001\r\n", "5;a\u{01}\r\n",
        ]
    )
    func invalidSizeLine(line: String) {
        expectRejected(Self.head + line + "hello\r\n0\r\n\r\n", status: 400)
    }

    @Test("16 hex digits within Int are not an overflow but the body limit applies")
    func largestSize() {
        expectRejected(Self.head + "7FFFFFFFFFFFFFFF\r\n", status: 413, kind: .bodyTooLarge)
        expectAccepted(Self.head + "0000000000000005\r\nhello\r\n0\r\n\r\n")
    }

    @Test("chunk data must be followed by CRLF")
    func dataTerminator() {
        expectRejected(Self.head + "5\r\nhelloX\r\n0\r\n\r\n", status: 400, kind: .invalidChunkTerminator)
        expectRejected(Self.head + "5\r\nhello\rX0\r\n\r\n", status: 400, kind: .invalidChunkTerminator)
        expectRejected(Self.head + "5\r\nhello\n0\r\n\r\n", status: 400, kind: .invalidChunkTerminator)
    }

    @Test("chunk extensions are bounded")
    func extensionBound() {
        let limit = HTTPChunkedBodyDecoder.maxSizeLineLength
        let fits = ";" + String(repeating: "e", count: limit - 2)
        expectAccepted(Self.head + "1\(fits)\r\na\r\n0\r\n\r\n")
        expectRejected(Self.head + "1\(fits)e\r\na\r\n0\r\n\r\n", status: 400, kind: .chunkExtensionTooLong)
    }

    @Test("trailer fields are parsed as strictly as header fields")
    func strictTrailers() {
        expectRejected(Self.head + "0\r\nX-T : v\r\n\r\n", status: 400, kind: .whitespaceBeforeColon)
        expectRejected(Self.head + "0\r\nX-T: v\r\n folded\r\n\r\n", status: 400, kind: .obsoleteLineFolding)
        expectRejected(Self.head + "0\r\nX-T: v\n\r\n", status: 400, kind: .bareLineFeed)
        expectRejected(Self.head + "0\r\nX-T: a\u{00}\r\n\r\n", status: 400, kind: .invalidFieldValue)
        expectRejected(Self.head + "0\r\n\n", status: 400, kind: .bareLineFeed)
    }

    @Test("the head is delivered before a bad chunk is seen, then the error")
    func headThenError() {
        let outcome = parse(Self.head + "zz\r\n")
        #expect(outcome.heads.count == 1)
        #expect(outcome.bodies.isEmpty)
        #expect(outcome.error?.kind == .invalidChunkSize)
    }
}
