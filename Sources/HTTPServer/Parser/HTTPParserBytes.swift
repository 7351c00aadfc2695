/// Byte classes of the HTTP grammar (RFC 9110 §5.6, RFC 9112), as branch-light checks on `UInt8`.
///
/// Bit masks instead of lookup tables: a global table costs a lazy-initialisation check on every access, while
/// these constants fold into the instruction stream.
enum HTTPParserBytes {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let horizontalTab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let slash: UInt8 = 0x2F
    static let asterisk: UInt8 = 0x2A

    /// `tchar` (RFC 9110 §5.6.2): ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``; bits 0–63 and 64–127.
    private static let tokenLow: UInt64 = 0x03FF_6CFA_0000_0000
    private static let tokenHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// Characters of `uri-host [":" port]` (RFC 3986 §3.2.2): unreserved, sub-delims, `:`, `[`, `]`, `%`.
    private static let hostLow: UInt64 = 0x2FFF_7FF2_0000_0000
    private static let hostHigh: UInt64 = 0x47FF_FFFE_AFFF_FFFE

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        let mask = byte < 64 ? tokenLow : tokenHigh
        return byte < 128 && (mask >> UInt64(byte & 63)) & 1 == 1
    }

    @inline(__always)
    static func isHostCharacter(_ byte: UInt8) -> Bool {
        let mask = byte < 64 ? hostLow : hostHigh
        return byte < 128 && (mask >> UInt64(byte & 63)) & 1 == 1
    }

    /// `field-vchar` (RFC 9110 §5.5): VCHAR or obs-text, i.e. anything above SP except DEL.
    @inline(__always)
    static func isFieldVisible(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F
    }

    /// Visible US-ASCII (VCHAR): what a request-target and the version may contain.
    @inline(__always)
    static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == horizontalTab
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26
    }

    /// The value of a HEXDIG, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        if byte &- 0x30 < 10 { return Int(byte &- 0x30) }
        let lower = byte | 0x20
        if lower &- 0x61 < 6 { return Int(lower &- 0x61 &+ 10) }
        return nil
    }

    /// ASCII lowercase; other bytes unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes[range]` equals the lowercase ASCII `literal`, ignoring ASCII case.
    static func equalsIgnoringCase(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        _ literal: StaticString
    ) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        var index = range.lowerBound
        var offset = 0
        while index < range.upperBound {
            if lowercased(bytes[index]) != expected[offset] { return false }
            index += 1
            offset += 1
        }
        return true
    }

    /// A String made from `bytes[range]`; invalid UTF-8 (obs-text) is repaired with U+FFFD.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
