extension HTTPRequestParser {
    /// What the framing-relevant fields said, gathered in one pass over the field lines.
    private struct FramingFields {
        var hostCount = 0
        var hostValue = 0..<0
        var contentLengthCount = 0
        var contentLengthValue = 0..<0
        var transferEncodingCount = 0
        var transferCodings = HTTPTransferCodings()
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
    }

    /// Builds the head from a complete, scanned header section and applies the message-framing rules of
    /// RFC 9112 §6 that defend against request smuggling.
    static func makeHead(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ scanner: HTTPHeadScanner,
        maxBodyLength: Int
    ) throws(HTTPParseError) -> HTTPRequestHead {
        var fields: [HTTPHeaders.Element] = []
        fields.reserveCapacity(scanner.fields.count)
        var found = FramingFields()
        for span in scanner.fields {
            fields.append((HTTPParserBytes.string(bytes, span.name), HTTPParserBytes.string(bytes, span.value)))
            inspect(bytes, span, into: &found)
        }
        let version = scanner.version
        try checkHost(bytes, found, version: version)
        let framing = try framing(bytes, found, version: version, maxBodyLength: maxBodyLength)
        let keepAlive =
            !found.connectionClose && (version == .http1_1 || found.connectionKeepAlive)
        // RFC 9110 §10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request; without a body there is
        // nothing to wait for.
        let hasBody: Bool
        switch framing {
        case .none: hasBody = false
        case .contentLength(let length): hasBody = length > 0
        case .chunked: hasBody = true
        }
        return HTTPRequestHead(
            method: HTTPParserBytes.string(bytes, scanner.requestLineStart..<scanner.methodEnd),
            target: HTTPParserBytes.string(bytes, scanner.targetStart..<scanner.targetEnd),
            version: version,
            headers: HTTPHeaders(fields: fields),
            framing: framing,
            keepAlive: keepAlive,
            expectsContinue: found.expectsContinue && version == .http1_1 && hasBody
        )
    }

    /// Notes the fields that decide framing and connection handling; names are matched by length first.
    private static func inspect(
        _ bytes: UnsafeBufferPointer<UInt8>, _ span: HTTPFieldSpan, into found: inout FramingFields
    ) {
        switch span.name.count {
        case 4 where HTTPParserBytes.equalsIgnoringCase(bytes, span.name, "host"):
            found.hostCount += 1
            found.hostValue = span.value
        case 6 where HTTPParserBytes.equalsIgnoringCase(bytes, span.name, "expect"):
            var elements = HTTPListElements(bytes, span.value)
            while let element = elements.next() {
                if HTTPParserBytes.equalsIgnoringCase(bytes, element, "100-continue") { found.expectsContinue = true }
            }
        case 10 where HTTPParserBytes.equalsIgnoringCase(bytes, span.name, "connection"):
            // Connection options are case-insensitive tokens in a list (RFC 9110 §7.6.1, RFC 9112 §9.3).
            var elements = HTTPListElements(bytes, span.value)
            while let element = elements.next() {
                if HTTPParserBytes.equalsIgnoringCase(bytes, element, "close") {
                    found.connectionClose = true
                } else if HTTPParserBytes.equalsIgnoringCase(bytes, element, "keep-alive") {
                    found.connectionKeepAlive = true
                }
            }
        case 14 where HTTPParserBytes.equalsIgnoringCase(bytes, span.name, "content-length"):
            found.contentLengthCount += 1
            found.contentLengthValue = span.value
        case 17 where HTTPParserBytes.equalsIgnoringCase(bytes, span.name, "transfer-encoding"):
            found.transferEncodingCount += 1
            found.transferCodings.add(bytes, span.value)
        default:
            break
        }
    }

    /// RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, for any request with several Host lines, and
    /// for a Host value that is not `uri-host [":" port]` (an empty value is allowed).
    private static func checkHost(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ found: FramingFields,
        version: HTTPVersion
    ) throws(HTTPParseError) {
        if found.hostCount > 1 { throw HTTPParseError(.multipleHosts, "more than one Host field") }
        if found.hostCount == 0 {
            if version == .http1_1 { throw HTTPParseError(.missingHost, "HTTP/1.1 request without Host") }
            return
        }
        var index = found.hostValue.lowerBound
        while index < found.hostValue.upperBound {
            guard HTTPParserBytes.isHostCharacter(bytes[index]) else {
                throw HTTPParseError(.invalidHost, "invalid Host value")
            }
            index += 1
        }
    }

    /// RFC 9112 §6.1–6.3. Anything ambiguous is refused instead of guessed, because a proxy in front of us may
    /// have guessed differently (request smuggling).
    private static func framing(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ found: FramingFields,
        version: HTTPVersion,
        maxBodyLength: Int
    ) throws(HTTPParseError) -> HTTPBodyFraming {
        if found.transferEncodingCount > 0 {
            if found.contentLengthCount > 0 {
                throw HTTPParseError(.contentLengthWithTransferEncoding, "both Content-Length and Transfer-Encoding")
            }
            if version == .http1_0 {
                throw HTTPParseError(.transferEncodingInHTTP10, "Transfer-Encoding in an HTTP/1.0 request")
            }
            try found.transferCodings.validate()
            return .chunked
        }
        guard found.contentLengthCount > 0 else { return .none }
        if found.contentLengthCount > 1 {
            throw HTTPParseError(.multipleContentLengths, "more than one Content-Length field")
        }
        let length = try contentLength(bytes, found.contentLengthValue)
        if length > maxBodyLength {
            throw HTTPParseError(.bodyTooLarge, "Content-Length larger than \(maxBodyLength) bytes")
        }
        return .contentLength(length)
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6): no sign, no spaces, no list, and within Int.
    private static func contentLength(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>
    ) throws(HTTPParseError) -> Int {
        guard !range.isEmpty else { throw HTTPParseError(.invalidContentLength, "empty Content-Length") }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard HTTPParserBytes.isDigit(byte) else {
                if byte == HTTPParserBytes.comma {
                    throw HTTPParseError(.multipleContentLengths, "Content-Length is a list")
                }
                throw HTTPParseError(.invalidContentLength, "Content-Length is not a number")
            }
            let (shifted, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowPlus) = shifted.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflowTimes && !overflowPlus else {
                throw HTTPParseError(.invalidContentLength, "Content-Length too large")
            }
            value = sum
        }
        return value
    }
}
