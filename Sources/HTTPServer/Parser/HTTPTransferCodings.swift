/// The transfer codings listed by all Transfer-Encoding field lines of a request, in order (RFC 9112 §6.1).
///
/// Only the chunked coding is decoded here, so the only acceptable list is a single `chunked`. The checks are
/// split by status: malformed lists, `chunked` not last, or `chunked` twice are framing errors (400); another
/// coding before a final `chunked` is well-formed but unimplemented (501).
struct HTTPTransferCodings {
    private var count = 0
    private var chunkedCount = 0
    private var lastIsChunked = false
    private var malformed = false

    /// Adds the codings of one field line's (trimmed) value.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) {
        var elements = HTTPListElements(bytes, value)
        while let element = elements.next() {
            // Empty elements are refused rather than skipped: lenient list parsing is where front ends and
            // back ends start to disagree.
            guard !element.isEmpty else {
                malformed = true
                continue
            }
            count += 1
            // transfer-coding = token *( OWS ";" OWS transfer-parameter )
            var nameEnd = element.lowerBound
            while nameEnd < element.upperBound && HTTPParserBytes.isToken(bytes[nameEnd]) { nameEnd += 1 }
            let name = element.lowerBound..<nameEnd
            var rest = nameEnd
            while rest < element.upperBound && HTTPParserBytes.isWhitespace(bytes[rest]) { rest += 1 }
            let hasParameters = rest < element.upperBound
            if name.isEmpty || (hasParameters && bytes[rest] != HTTPParserBytes.semicolon) {
                malformed = true
            }
            if HTTPParserBytes.equalsIgnoringCase(bytes, name, "chunked") {
                chunkedCount += 1
                lastIsChunked = true
                if hasParameters { malformed = true }  // chunked takes no parameters
            } else {
                lastIsChunked = false
            }
        }
    }

    /// Throws unless the list is exactly one final `chunked`.
    func validate() throws(HTTPParseError) {
        if malformed || count == 0 {
            throw HTTPParseError(.invalidTransferEncoding, "malformed Transfer-Encoding")
        }
        if chunkedCount > 1 {
            throw HTTPParseError(.invalidTransferEncoding, "chunked applied more than once")
        }
        if !lastIsChunked {
            throw HTTPParseError(.invalidTransferEncoding, "final transfer coding is not chunked")
        }
        if count > 1 {
            throw HTTPParseError(.unsupportedTransferCoding, "transfer codings other than chunked are not supported")
        }
    }
}
