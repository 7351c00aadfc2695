import Testing

@testable import HTTPServer

@Suite("Parser: header fields (RFC 9112 §5, RFC 9110 §5)")
struct ParserFieldTests {
    @Test("names keep their case, values are trimmed of OWS, order and duplicates are kept")
    func fieldValues() throws {
        let outcome = expectAccepted(
            "GET / HTTP/1.1\r\nHost: x\r\nX-Custom:value\r\nx-custom: \t spaced  out \t \r\nAccept:\r\n"
                + "Empty:   \r\n\r\n"
        )
        let head = try #require(outcome.heads.first)
        #expect(head.fields == ["Host: x", "X-Custom: value", "x-custom: spaced  out", "Accept: ", "Empty: "])
    }

    @Test("obs-text in a value is kept (invalid UTF-8 becomes U+FFFD)")
    func obsText() throws {
        var bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf".utf8)
        bytes += [0xC3, 0xA9, 0x20, 0xFF]
        bytes += Array("\r\n\r\n".utf8)
        let outcome = parse(bytes)
        #expect(outcome.error == nil)
        #expect(outcome.heads.first?.fields.last == "X-Name: café \u{FFFD}")
    }

    @Test("whitespace between name and colon is refused (RFC 9112 §5.1)")
    func whitespaceBeforeColon() {
        expectRejected(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            status: 400,
            kind: .whitespaceBeforeColon
        )
        expectRejected("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", status: 400, kind: .whitespaceBeforeColon)
    }

    @Test("obsolete line folding is refused (RFC 9112 §5.2)")
    func obsFold() {
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", status: 400, kind: .obsoleteLineFolding)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n", status: 400, kind: .obsoleteLineFolding)
        // Whitespace between the request line and the first field (RFC 9112 §2.2).
        expectRejected("GET / HTTP/1.1\r\n Host: x\r\n\r\n", status: 400, kind: .obsoleteLineFolding)
    }

    @Test("only CRLF ends a line: bare CR and bare LF are refused everywhere in the head")
    func bareLineEnds() {
        expectRejected("GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n", status: 400, kind: .bareLineFeed)
        expectRejected("GET / HTTP/1.1\r\nHost: x\rX-A: a\r\n\r\n", status: 400, kind: .bareCarriageReturn)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", status: 400, kind: .bareCarriageReturn)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n", status: 400, kind: .bareLineFeed)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\n\n", status: 400, kind: .bareLineFeed)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\n\rX", status: 400, kind: .bareCarriageReturn)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A:\n\r\n", status: 400, kind: .bareLineFeed)
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n", status: 400, kind: .invalidFieldName)
    }

    @Test("NUL and other controls except HTAB are refused in values")
    func controlsInValues() {
        for byte: UInt8 in [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0x7F] {
            var bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nX-A: a".utf8)
            bytes.append(byte)
            bytes += Array("b\r\n\r\n".utf8)
            #expect(parse(bytes).error?.kind == .invalidFieldValue, "byte \(byte)")
            var leading = Array("GET / HTTP/1.1\r\nHost: x\r\nX-A: ".utf8)
            leading.append(byte)
            leading += Array("\r\n\r\n".utf8)
            #expect(parse(leading).error?.kind == .invalidFieldValue, "leading byte \(byte)")
        }
        expectAccepted("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\tb\r\n\r\n")
    }

    @Test("empty and non-token field names are refused")
    func invalidNames() {
        expectRejected("GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", status: 400, kind: .invalidFieldName)
        for name in ["X(A", "X/A", "X@A", "X\"A", "X{A", "X=A", "X[A"] {
            expectRejected("GET / HTTP/1.1\r\nHost: x\r\n\(name): v\r\n\r\n", status: 400, kind: .invalidFieldName)
        }
        var nonASCII = Array("GET / HTTP/1.1\r\nHost: x\r\nX".utf8)
        nonASCII += [0xC3, 0xA9]
        nonASCII += Array(": v\r\n\r\n".utf8)
        #expect(parse(nonASCII).error?.kind == .invalidFieldName)
        expectAccepted("GET / HTTP/1.1\r\nHost: x\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n")
    }

    @Test("HTTP/1.1 needs exactly one Host; HTTP/1.0 may omit it (RFC 9112 §3.2)")
    func host() {
        expectRejected("GET / HTTP/1.1\r\n\r\n", status: 400, kind: .missingHost)
        expectRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", status: 400, kind: .multipleHosts)
        expectRejected("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", status: 400, kind: .multipleHosts)
        expectAccepted("GET / HTTP/1.0\r\n\r\n")
        expectAccepted("GET / HTTP/1.1\r\nhOsT: example.com\r\n\r\n")
        expectAccepted("GET / HTTP/1.1\r\nHost:\r\n\r\n")
        expectAccepted("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n")
        expectRejected("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status: 400, kind: .invalidHost)
        expectRejected("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status: 400, kind: .invalidHost)
        expectRejected("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", status: 400, kind: .invalidHost)
    }

    @Test("HTTPHeaders: ordered, duplicates kept, names case-insensitive")
    func headersAPI() {
        var headers = HTTPHeaders([("Content-Type", "text/plain"), ("Set-Cookie", "a=1")])
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers.count == 3)
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.contains(name: "CONTENT-TYPE"))
        #expect(!headers.contains(name: "Content-Typ"))
        #expect(headers["missing"] == nil)
        headers.replaceOrAdd(name: "SET-COOKIE", value: "c=3")
        #expect(headers.values(for: "set-cookie") == ["c=3"])
        #expect(headers.map(\.name) == ["Content-Type", "SET-COOKIE"])
        headers.remove(name: "content-type")
        #expect(headers.count == 1)
        #expect(Array(headers).map(\.value) == ["c=3"])
        #expect(HTTPHeaders().count == 0)
        // Non-letters are not folded: '-' and '\r' differ, as do Unicode letters.
        #expect(!HTTPHeaders([("é", "1")]).contains(name: "É"))
    }
}
