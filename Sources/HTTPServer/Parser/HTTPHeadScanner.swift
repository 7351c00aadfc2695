/// Where one field line's name and value lie in the scanned section (value already trimmed of OWS).
struct HTTPFieldSpan {
    var name: Range<Int>
    var value: Range<Int>
}

/// Incremental, single-pass scanner for a request head (request line and field lines, RFC 9112 §2.1) or for the
/// trailer section of a chunked body (RFC 9112 §7.1.2).
///
/// Every byte is examined exactly once, however the bytes are split across calls: the scanner keeps its state
/// and resumes at `position`, so a client sending one byte at a time costs O(n), not O(n²). Indices are relative
/// to the start of the section, which stays at the front of the parser's unconsumed bytes until the section is
/// complete; compacting the buffer therefore never invalidates them. Limits are enforced on the byte that crosses
/// them, while the rest of the head is still arriving.
struct HTTPHeadScanner {
    enum State: UInt8 {
        case beforeRequestLine, emptyLineFeed, method, target, version, requestLineFeed
        case fieldLineStart, fieldName, fieldValueStart, fieldValue, fieldLineFeed, sectionEndFeed
    }

    /// Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one; a few cover clients
    /// that send CRLF after a body). More is treated as garbage.
    static let maxLeadingEmptyLines = 4

    private(set) var state = State.beforeRequestLine
    /// The next byte to examine.
    private(set) var position = 0
    /// Where the request line (or the trailer section) starts; empty lines before it are not part of the head.
    private(set) var requestLineStart = 0
    private(set) var methodEnd = 0
    private(set) var targetStart = 0
    private(set) var targetEnd = 0
    /// The version from the request line, set once the line is validated.
    var version = HTTPVersion.http1_1
    /// Field lines completed so far, counting those of the head when scanning trailers.
    private(set) var fieldCount = 0
    /// The completed field lines of a head; reused across requests to avoid allocating.
    private(set) var fields: [HTTPFieldSpan] = []

    private var leadingEmptyLines = 0
    var versionStart = 0
    private var nameStart = 0
    private var nameEnd = 0
    private var valueStart = 0
    private var valueEnd = 0
    private var recordsFields = true
    private var maxSectionLength = 0
    private var maxRequestLineLength = 0
    private var maxFieldCount = 0

    /// Bytes of the section from the request line to the current position.
    var sectionLength: Int { position - requestLineStart }

    /// Prepares to scan a new request head at the front of the unconsumed bytes.
    mutating func resetForRequestHead(limits: HTTPParserLimits) {
        reset(state: .beforeRequestLine, fieldCount: 0, recordsFields: true)
        maxSectionLength = limits.maxHeadLength
        maxRequestLineLength = limits.maxRequestLineLength
        maxFieldCount = limits.maxHeaderCount
    }

    /// Prepares to scan a trailer section, which shares the head's byte and field budget ("counted against the
    /// head limits"); the terminating empty line is not charged, so a head at its limit can still end its body.
    mutating func resetForTrailers(remainingLength: Int, fieldCount: Int, maxFieldCount: Int) {
        reset(state: .fieldLineStart, fieldCount: fieldCount, recordsFields: false)
        maxSectionLength = remainingLength + 2
        maxRequestLineLength = 0
        self.maxFieldCount = maxFieldCount
    }

    private mutating func reset(state: State, fieldCount: Int, recordsFields: Bool) {
        self.state = state
        self.fieldCount = fieldCount
        self.recordsFields = recordsFields
        position = 0
        requestLineStart = 0
        leadingEmptyLines = 0
        fields.removeAll(keepingCapacity: true)
    }

    /// Scans the new bytes of `bytes` (the whole section so far, from its first byte).
    /// - Returns: the section's length including its final CRLF once complete, nil if more bytes are needed.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int? {
        var index = position
        defer { position = index }
        // Bytes at or after `end` would make the section too large: stop there and complain only if one exists.
        var end = clampedEnd(bytes.count)
        scanning: while index < end {
            switch state {
            case .beforeRequestLine:
                let byte = bytes[index]
                if byte == HTTPParserBytes.carriageReturn {
                    index += 1
                    state = .emptyLineFeed
                } else if HTTPParserBytes.isToken(byte) {
                    state = .method
                } else if byte == HTTPParserBytes.lineFeed {
                    throw HTTPParseError(.bareLineFeed, "bare LF before request line")
                } else {
                    throw HTTPParseError(.invalidRequestLine, "request line does not start with a method")
                }
            case .emptyLineFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.bareCarriageReturn, "bare CR before request line")
                }
                index += 1
                leadingEmptyLines += 1
                guard leadingEmptyLines <= Self.maxLeadingEmptyLines else {
                    throw HTTPParseError(.tooManyEmptyLines, "too many empty lines before request line")
                }
                requestLineStart = index
                end = clampedEnd(bytes.count)
                state = .beforeRequestLine
            case .method:
                let lineLimit = requestLineLimit
                let stop = min(end, lineLimit)
                while index < stop && HTTPParserBytes.isToken(bytes[index]) { index += 1 }
                if index == end { break scanning }
                try checkRequestLineLength(index, lineLimit)
                guard bytes[index] == HTTPParserBytes.space else {
                    throw HTTPParseError(.invalidRequestLine, "method not followed by a single space")
                }
                methodEnd = index
                index += 1
                targetStart = index
                state = .target
            case .target:
                let lineLimit = requestLineLimit
                let stop = min(end, lineLimit)
                while index < stop && HTTPParserBytes.isVisibleASCII(bytes[index]) { index += 1 }
                if index == end { break scanning }
                try checkRequestLineLength(index, lineLimit)
                let byte = bytes[index]
                guard byte == HTTPParserBytes.space else {
                    if byte == HTTPParserBytes.carriageReturn || byte == HTTPParserBytes.lineFeed {
                        throw HTTPParseError(.invalidRequestLine, "request line without HTTP version")
                    }
                    throw HTTPParseError(.invalidTarget, "control, space or non-ASCII byte in request target")
                }
                guard index > targetStart else {
                    throw HTTPParseError(.invalidRequestLine, "empty request target or double space")
                }
                targetEnd = index
                index += 1
                versionStart = index
                state = .version
            case .version:
                let lineLimit = requestLineLimit
                let stop = min(end, lineLimit)
                while index < stop && HTTPParserBytes.isVisibleASCII(bytes[index]) { index += 1 }
                if index == end { break scanning }
                let byte = bytes[index]
                if byte == HTTPParserBytes.carriageReturn {
                    // The CR right at the limit is fine: the limit counts the line without its CRLF.
                    try validateRequestLine(bytes, versionEnd: index)
                    index += 1
                    state = .requestLineFeed
                } else {
                    try checkRequestLineLength(index, lineLimit)
                    if byte == HTTPParserBytes.lineFeed {
                        throw HTTPParseError(.bareLineFeed, "request line ends with bare LF")
                    }
                    throw HTTPParseError(.invalidRequestLine, "space or control byte after HTTP version")
                }
            case .requestLineFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.bareCarriageReturn, "bare CR in request line")
                }
                index += 1
                state = .fieldLineStart
            case .fieldLineStart:
                let byte = bytes[index]
                if HTTPParserBytes.isToken(byte) {
                    guard fieldCount < maxFieldCount else {
                        throw HTTPParseError(.tooManyFields, "more than \(maxFieldCount) header fields")
                    }
                    nameStart = index
                    index += 1
                    state = .fieldName
                } else if byte == HTTPParserBytes.carriageReturn {
                    index += 1
                    state = .sectionEndFeed
                } else {
                    throw Self.invalidFieldLineStart(byte)
                }
            case .fieldName:
                while index < end && HTTPParserBytes.isToken(bytes[index]) { index += 1 }
                if index == end { break scanning }
                let byte = bytes[index]
                guard byte == HTTPParserBytes.colon else {
                    if HTTPParserBytes.isWhitespace(byte) {
                        throw HTTPParseError(.whitespaceBeforeColon, "whitespace between field name and colon")
                    }
                    throw HTTPParseError(.invalidFieldName, "invalid byte in field name or missing colon")
                }
                nameEnd = index
                index += 1
                state = .fieldValueStart
            case .fieldValueStart:
                while index < end && HTTPParserBytes.isWhitespace(bytes[index]) { index += 1 }
                if index == end { break scanning }
                let byte = bytes[index]
                if HTTPParserBytes.isFieldVisible(byte) {
                    valueStart = index
                    index += 1
                    valueEnd = index
                    state = .fieldValue
                } else if byte == HTTPParserBytes.carriageReturn {
                    valueStart = index
                    valueEnd = index
                    index += 1
                    state = .fieldLineFeed
                } else {
                    throw Self.invalidFieldValueByte(byte)
                }
            case .fieldValue:
                // The hot loop: one comparison per byte, remembering the end of the last visible byte so
                // trailing OWS is trimmed without looking back.
                var lastVisibleEnd = valueEnd
                while index < end {
                    let byte = bytes[index]
                    if HTTPParserBytes.isFieldVisible(byte) {
                        index += 1
                        lastVisibleEnd = index
                    } else if HTTPParserBytes.isWhitespace(byte) {
                        index += 1
                    } else {
                        break
                    }
                }
                valueEnd = lastVisibleEnd
                if index == end { break scanning }
                let byte = bytes[index]
                guard byte == HTTPParserBytes.carriageReturn else { throw Self.invalidFieldValueByte(byte) }
                index += 1
                state = .fieldLineFeed
            case .fieldLineFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.bareCarriageReturn, "bare CR in field line")
                }
                index += 1
                fieldCount += 1
                if recordsFields {
                    fields.append(HTTPFieldSpan(name: nameStart..<nameEnd, value: valueStart..<valueEnd))
                }
                state = .fieldLineStart
            case .sectionEndFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.bareCarriageReturn, "bare CR at end of header section")
                }
                index += 1
                return index
            }
        }
        if end < bytes.count {
            throw HTTPParseError(.headTooLarge, "header section longer than \(maxSectionLength) bytes")
        }
        return nil
    }

    /// Index of the first byte that would make the section exceed `maxSectionLength` (or `count`).
    private func clampedEnd(_ count: Int) -> Int {
        maxSectionLength < count - requestLineStart ? requestLineStart + maxSectionLength : count
    }

    /// Index of the first byte that would make the request line exceed `maxRequestLineLength`.
    private var requestLineLimit: Int {
        maxRequestLineLength < Int.max - requestLineStart ? requestLineStart + maxRequestLineLength : Int.max
    }

    private func checkRequestLineLength(_ index: Int, _ lineLimit: Int) throws(HTTPParseError) {
        if index >= lineLimit {
            throw HTTPParseError(.requestLineTooLong, "request line longer than \(maxRequestLineLength) bytes")
        }
    }

    private static func invalidFieldLineStart(_ byte: UInt8) -> HTTPParseError {
        switch byte {
        case HTTPParserBytes.space, HTTPParserBytes.horizontalTab:
            HTTPParseError(.obsoleteLineFolding, "field line starts with whitespace (obs-fold)")
        case HTTPParserBytes.lineFeed:
            HTTPParseError(.bareLineFeed, "bare LF in header section")
        case HTTPParserBytes.colon:
            HTTPParseError(.invalidFieldName, "empty field name")
        default:
            HTTPParseError(.invalidFieldName, "invalid byte in field name")
        }
    }

    private static func invalidFieldValueByte(_ byte: UInt8) -> HTTPParseError {
        byte == HTTPParserBytes.lineFeed
            ? HTTPParseError(.bareLineFeed, "bare LF in field line")
            : HTTPParseError(.invalidFieldValue, "control character in field value")
    }
}
