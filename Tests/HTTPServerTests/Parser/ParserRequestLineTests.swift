import Testing

@testable import HTTPServer

@Suite("Parser: request line (RFC 9112 §3)")
struct ParserRequestLineTests {
    @Test("a typical request")
    func simpleRequest() throws {
        let outcome = expectAccepted("GET /healthz?x=1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")
        let head = try #require(outcome.heads.first)
        #expect(head.method == "GET")
        #expect(head.target == "/healthz?x=1")
        #expect(head.version == .http1_1)
        #expect(head.fields == ["Host: localhost:8080"])
        #expect(head.framing == .none)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
        #expect(outcome.bodies == [[]])
    }

    @Test("methods are case-sensitive tokens, not checked against a list")
    func methods() throws {
        #expect(expectAccepted("get / HTTP/1.1\r\nHost: x\r\n\r\n").heads.first?.method == "get")
        #expect(expectAccepted("PURGE-ALL / HTTP/1.1\r\nHost: x\r\n\r\n").heads.first?.method == "PURGE-ALL")
        expectRejected("G(ET / HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidRequestLine)
        expectRejected(" GET / HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidRequestLine)
    }

    @Test(
        "single spaces only",
        arguments: [
            "GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET / HTTP/1.1 ", "GET\t/ HTTP/1.1", "GET /\tHTTP/1.1",
            "GET / HTTP/1.1\t", "GET /", "GET / ", "GET", "/ HTTP/1.1", "GET / HTTP/1.1 extra",
        ]
    )
    func malformedRequestLines(line: String) {
        expectRejected(line + "\r\nHost: x\r\n\r\n", status: 400)
    }

    @Test("targets with control, space or non-ASCII bytes are refused")
    func invalidTargetBytes() {
        for byte: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xFF] {
            var bytes = Array("GET /a".utf8)
            bytes.append(byte)
            bytes += Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            #expect(parse(bytes).error?.kind == .invalidTarget, "byte \(byte)")
        }
    }

    @Test("request-target forms")
    func targetForms() {
        expectAccepted("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
        expectRejected("GET * HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidTarget)
        let absolute = expectAccepted("GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(absolute.heads.first?.target == "http://example.com:8080/a?b")
        expectAccepted("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        expectRejected("CONNECT example.com HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidTarget)
        expectRejected("GET example.com/a HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidTarget)
        expectRejected("GET 1http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, kind: .invalidTarget)
    }

    @Test(
        "versions: 1.0 and 1.1 served, other HTTP/d.d get 505, garbage 400",
        arguments: [
            ("HTTP/1.1", 0), ("HTTP/1.0", 0), ("HTTP/2.0", 505), ("HTTP/1.2", 505), ("HTTP/0.9", 505),
            ("HTTP/3.0", 505), ("http/1.1", 400), ("HTTP/1.1x", 400), ("HTTP/1", 400), ("HTTP/11", 400),
            ("HTTP/1.a", 400), ("HTTPS/1.1", 400), ("HTTP/2", 400), ("HTTP/1.10", 400),
        ]
    )
    func versions(version: String, status: Int) {
        let text = "GET / \(version)\r\nHost: x\r\n\r\n"
        if status == 0 {
            expectAccepted(text)
        } else {
            expectRejected(text, status: status)
        }
    }

    @Test("a few empty lines before the request line are ignored, more are refused (RFC 9112 §2.2)")
    func leadingEmptyLines() {
        let request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        for count in 0...HTTPHeadScanner.maxLeadingEmptyLines {
            expectAccepted(String(repeating: "\r\n", count: count) + request)
        }
        expectRejected(
            String(repeating: "\r\n", count: HTTPHeadScanner.maxLeadingEmptyLines + 1) + request,
            status: 400,
            kind: .tooManyEmptyLines
        )
        expectRejected("\n" + request, status: 400, kind: .bareLineFeed)
        expectRejected("\rX" + request, status: 400, kind: .bareCarriageReturn)
        // Empty lines between pipelined requests count per request.
        expectAccepted(request + "\r\n\r\n" + request, requests: 2)
    }

    @Test("the request line must end with CRLF")
    func requestLineTerminator() {
        expectRejected("GET / HTTP/1.1\nHost: x\r\n\r\n", status: 400, kind: .bareLineFeed)
        expectRejected("GET / HTTP/1.1\rHost: x\r\n\r\n", status: 400, kind: .bareCarriageReturn)
        expectRejected("GET /\r\nHost: x\r\n\r\n", status: 400, kind: .invalidRequestLine)
    }

    @Test("an unsupported version is reported as soon as the request line's CR arrives")
    func earlyVersionError() {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: Array("GET / HTTP/2.0\r".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }
}
