/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1) up to and including the last chunk's
/// size line; the trailer section that follows is scanned by `HTTPHeadScanner`.
///
/// It consumes bytes as it goes (the parser drops them from its buffer), keeps only counters between calls,
/// and appends chunk data straight into the body, so a slow client costs O(n) and the buffer stays small.
struct HTTPChunkedBodyDecoder {
    enum State: UInt8 {
        case size, sizeWhitespace, extensions, sizeLineFeed, data, dataCarriageReturn, dataLineFeed, lastChunkDone
    }

    /// Longest chunk-size line (size digits and extensions, without CRLF) accepted: extensions are ignored, so
    /// they only need to be bounded.
    static let maxSizeLineLength = 4096
    /// 16 hex digits hold any Int; more digits (even leading zeros) are refused rather than skipped.
    static let maxSizeDigits = 16

    private(set) var state = State.size
    private(set) var body: [UInt8] = []
    private var chunkSize = 0
    private var digitCount = 0
    private var lineLength = 0
    private var remaining = 0
    private let maxBodyLength: Int

    init(maxBodyLength: Int) {
        self.maxBodyLength = maxBodyLength
    }

    /// Whether the last chunk (size 0) and its CRLF were read: the trailer section comes next.
    var isAtTrailers: Bool { state == .lastChunkDone }

    /// Hands over the de-chunked body.
    mutating func takeBody() -> [UInt8] {
        let result = body
        body = []
        return result
    }

    /// Decodes from the front of `bytes` and returns how many were consumed. Stops after the last chunk's
    /// size line so trailer bytes stay in place.
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var index = 0
        let end = bytes.count
        while index < end {
            switch state {
            case .size:
                let byte = bytes[index]
                if let digit = HTTPParserBytes.hexValue(byte) {
                    digitCount += 1
                    guard digitCount <= Self.maxSizeDigits, chunkSize <= (Int.max - digit) >> 4 else {
                        throw HTTPParseError(.invalidChunkSize, "chunk size too large")
                    }
                    chunkSize = chunkSize << 4 | digit
                    index += 1
                    continue
                }
                try endOfSizeDigits()
                if byte == HTTPParserBytes.carriageReturn {
                    state = .sizeLineFeed
                } else if byte == HTTPParserBytes.semicolon {
                    state = .extensions
                    try countSizeLineByte()
                } else if HTTPParserBytes.isWhitespace(byte) {
                    state = .sizeWhitespace  // BWS before ";" (RFC 9112 §7.1.1)
                    try countSizeLineByte()
                } else if byte == HTTPParserBytes.lineFeed {
                    throw HTTPParseError(.bareLineFeed, "chunk size line ends with bare LF")
                } else {
                    throw HTTPParseError(.invalidChunkSize, "invalid chunk size")
                }
                index += 1
            case .sizeWhitespace:
                let byte = bytes[index]
                if byte == HTTPParserBytes.semicolon {
                    state = .extensions
                } else if !HTTPParserBytes.isWhitespace(byte) {
                    throw HTTPParseError(.invalidChunkSize, "invalid chunk size")
                }
                index += 1
                try countSizeLineByte()
            case .extensions:
                // chunk-ext is ignored; it only has to stay free of control bytes so framing is unambiguous.
                let byte = bytes[index]
                if byte == HTTPParserBytes.carriageReturn {
                    state = .sizeLineFeed
                    index += 1
                    continue
                } else if byte == HTTPParserBytes.lineFeed {
                    throw HTTPParseError(.bareLineFeed, "bare LF in chunk extension")
                } else if !HTTPParserBytes.isFieldVisible(byte) && !HTTPParserBytes.isWhitespace(byte) {
                    throw HTTPParseError(.invalidChunkSize, "control character in chunk extension")
                }
                index += 1
                try countSizeLineByte()
            case .sizeLineFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.bareCarriageReturn, "bare CR in chunk size line")
                }
                index += 1
                if chunkSize == 0 {
                    state = .lastChunkDone
                    return index
                }
                remaining = chunkSize
                state = .data
            case .data:
                let count = min(remaining, end - index)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + count)]))
                index += count
                remaining -= count
                if remaining == 0 { state = .dataCarriageReturn }
            case .dataCarriageReturn:
                guard bytes[index] == HTTPParserBytes.carriageReturn else {
                    throw HTTPParseError(.invalidChunkTerminator, "chunk data not followed by CRLF")
                }
                index += 1
                state = .dataLineFeed
            case .dataLineFeed:
                guard bytes[index] == HTTPParserBytes.lineFeed else {
                    throw HTTPParseError(.invalidChunkTerminator, "chunk data not followed by CRLF")
                }
                index += 1
                chunkSize = 0
                digitCount = 0
                lineLength = 0
                state = .size
            case .lastChunkDone:
                return index
            }
        }
        return index
    }

    /// The size is complete: it must have a digit, and the body may not outgrow the limit. Checked here, at the
    /// chunk header, so an oversized body is refused before its data is read.
    private mutating func endOfSizeDigits() throws(HTTPParseError) {
        guard digitCount > 0 else { throw HTTPParseError(.invalidChunkSize, "missing chunk size") }
        lineLength = digitCount
        if chunkSize > maxBodyLength - body.count {
            throw HTTPParseError(.bodyTooLarge, "chunked body larger than \(maxBodyLength) bytes")
        }
    }

    private mutating func countSizeLineByte() throws(HTTPParseError) {
        lineLength += 1
        if lineLength > Self.maxSizeLineLength {
            throw HTTPParseError(.chunkExtensionTooLong, "chunk extension too long")
        }
    }
}
