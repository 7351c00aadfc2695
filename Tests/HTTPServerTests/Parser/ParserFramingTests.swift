import Testing

@testable import HTTPServer

@Suite("Parser: message framing and connection semantics (RFC 9112 §6, §9)")
struct ParserFramingTests {
    private static let post = "POST / HTTP/1.1\r\nHost: x\r\n"

    @Test("Content-Length body")
    func contentLength() throws {
        let outcome = expectAccepted(Self.post + "Content-Length: 5\r\n\r\nhello")
        #expect(outcome.heads.first?.framing == .contentLength(5))
        #expect(outcome.bodies == [Array("hello".utf8)])
        let zero = expectAccepted(Self.post + "Content-Length: 0\r\n\r\n")
        #expect(zero.heads.first?.framing == .contentLength(0))
        #expect(zero.bodies == [[]])
        let leadingZeros = expectAccepted(Self.post + "Content-Length: 0003\r\n\r\nabc")
        #expect(leadingZeros.bodies == [Array("abc".utf8)])
    }

    @Test(
        "Content-Length must be exactly 1*DIGIT",
        arguments: ["1 0", "-1", "+5", "", " ", "5a", "0x5", "5.0", "99999999999999999999", "9223372036854775808"]
    )
    func invalidContentLength(value: String) {
        expectRejected(Self.post + "Content-Length: \(value)\r\n\r\n", status: 400)
    }

    @Test("several Content-Length fields or a list are refused, even when equal")
    func multipleContentLengths() {
        expectRejected(
            Self.post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
            status: 400,
            kind: .multipleContentLengths
        )
        expectRejected(
            Self.post + "Content-Length: 5\r\ncontent-length: 6\r\n\r\nhello!",
            status: 400,
            kind: .multipleContentLengths
        )
        expectRejected(Self.post + "Content-Length: 5, 5\r\n\r\nhello", status: 400, kind: .multipleContentLengths)
    }

    @Test("Content-Length and Transfer-Encoding together are refused, in either order")
    func contentLengthAndTransferEncoding() {
        expectRejected(
            Self.post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400,
            kind: .contentLengthWithTransferEncoding
        )
        expectRejected(
            Self.post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            status: 400,
            kind: .contentLengthWithTransferEncoding
        )
    }

    @Test(
        "Transfer-Encoding lists",
        arguments: [
            ("chunked", 0), ("Chunked", 0), ("CHUNKED", 0), ("chunked, gzip", 400), ("identity", 400),
            ("gzip", 400), ("chunked, chunked", 400), ("gzip, chunked", 501), ("deflate, gzip, chunked", 501),
            ("gzip;q=1, chunked", 501), ("gzip, chunked, chunked", 400), ("chunked;x=1", 400), (", chunked", 400),
            ("chunked,", 400), ("", 400), ("chu nked", 400), ("\"chunked\"", 400), ("x-custom , chunked", 501),
        ]
    )
    func transferEncodings(value: String, status: Int) {
        let text = Self.post + "Transfer-Encoding: \(value)\r\n\r\n0\r\n\r\n"
        if status == 0 {
            #expect(expectAccepted(text).heads.first?.framing == .chunked)
        } else {
            expectRejected(text, status: status)
        }
    }

    @Test("Transfer-Encoding split over field lines is one list")
    func transferEncodingLines() {
        expectRejected(
            Self.post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 501
        )
        expectRejected(
            Self.post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
            status: 400
        )
    }

    @Test("Transfer-Encoding on HTTP/1.0 is refused")
    func transferEncodingHTTP10() {
        expectRejected(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400,
            kind: .transferEncodingInHTTP10
        )
    }

    @Test("a request without Content-Length or Transfer-Encoding has no body, even on HTTP/1.0")
    func noBody() {
        let outcome = expectAccepted("POST / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n", requests: 2)
        #expect(outcome.heads.map(\.framing) == [.none, .none])
    }

    @Test(
        "keep-alive: HTTP/1.1 unless close, HTTP/1.0 only with keep-alive",
        arguments: [
            ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
            ("HTTP/1.1", "Connection: CLOSE\r\n", false), ("HTTP/1.1", "Connection: keep-alive, close\r\n", false),
            ("HTTP/1.1", "Connection: upgrade\r\nConnection: Close\r\n", false),
            ("HTTP/1.1", "Connection: closed\r\n", true), ("HTTP/1.1", "Connection: keep-alive\r\n", true),
            ("HTTP/1.0", "", false), ("HTTP/1.0", "Connection: keep-alive\r\n", true),
            ("HTTP/1.0", "Connection: Keep-Alive\r\n", true), ("HTTP/1.0", "Connection: foo ,keep-alive\r\n", true),
            ("HTTP/1.0", "Connection: keep-alive, close\r\n", false),
            ("HTTP/1.0", "Connection: keep-alive2\r\n", false),
            ("HTTP/1.0", "Keep-Alive: timeout=5\r\n", false),
        ]
    )
    func keepAlive(version: String, fields: String, keepAlive: Bool) {
        let outcome = expectAccepted("GET / \(version)\r\nHost: x\r\n\(fields)\r\n")
        #expect(outcome.heads.first?.keepAlive == keepAlive)
    }

    @Test(
        "expectsContinue only for 100-continue on an HTTP/1.1 request with a body",
        arguments: [
            ("HTTP/1.1", "Expect: 100-continue\r\nContent-Length: 3\r\n", "abc", true),
            ("HTTP/1.1", "Expect: 100-Continue\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", true),
            ("HTTP/1.1", "Expect: 100-continue\r\nContent-Length: 0\r\n", "", false),
            ("HTTP/1.1", "Expect: 100-continue\r\n", "", false),
            ("HTTP/1.0", "Expect: 100-continue\r\nContent-Length: 3\r\n", "abc", false),
            ("HTTP/1.1", "Expect: something-else\r\nContent-Length: 3\r\n", "abc", false),
            ("HTTP/1.1", "Content-Length: 3\r\n", "abc", false),
        ]
    )
    func expectContinue(version: String, fields: String, body: String, expected: Bool) {
        let outcome = expectAccepted("PUT / \(version)\r\nHost: x\r\n\(fields)\r\n\(body)")
        #expect(outcome.heads.first?.expectsContinue == expected)
    }
}
