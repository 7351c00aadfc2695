/// The elements of a comma-separated list field value (`#rule`, RFC 9110 §5.6.1), each trimmed of OWS.
///
/// Empty elements are produced as empty ranges so callers can decide whether to tolerate them. Works on byte
/// positions, so reading `Connection` or `Transfer-Encoding` allocates nothing.
struct HTTPListElements: IteratorProtocol {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private let end: Int
    private var finished = false

    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
    }

    mutating func next() -> Range<Int>? {
        guard !finished else { return nil }
        var start = index
        while index < end && bytes[index] != HTTPParserBytes.comma { index += 1 }
        var stop = index
        if index < end {
            index += 1  // skip the comma; an element (possibly empty) follows it
        } else {
            finished = true
        }
        while start < stop && HTTPParserBytes.isWhitespace(bytes[start]) { start += 1 }
        while stop > start && HTTPParserBytes.isWhitespace(bytes[stop - 1]) { stop -= 1 }
        return start..<stop
    }
}
