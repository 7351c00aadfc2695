/// Escapes text for HTML element content and quoted attribute values.
///
/// Besides the five characters every HTML escaper handles (`& < > " '`), it also escapes the backtick
/// (old Internet Explorer accepted it as an attribute quote) and `=` (which matters in unquoted
/// attribute values), as recommended by the OWASP XSS prevention cheat sheet. All are replaced by
/// character references, which browsers display as the original character.
public enum HTMLEscaper {
    /// `text` escaped for HTML (or SVG) element content and quoted attribute values: for markup built
    /// outside a template, such as a chart vouched for as ``TrustedHTML``.
    public static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        append(escaping: text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes of `text` to `output`, escaping special characters.
    ///
    /// Works on bytes: every special character is ASCII, so a byte of a multi-byte character can never
    /// be mistaken for one, and runs of ordinary text are copied with one `memcpy`-like append.
    static func append(escaping text: String, to output: inout [UInt8]) {
        let handled: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            append(escaping: bytes, to: &output)
        }
        if handled == nil {
            // Only strings bridged from other storage lack contiguous UTF-8; copy them once.
            Array(text.utf8).withUnsafeBufferPointer { append(escaping: $0, to: &output) }
        }
    }

    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var chunkStart = 0
        for index in 0..<bytes.count where isSpecial(bytes[index]) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[chunkStart..<index]))
            entity(for: bytes[index]).withUTF8Buffer { output.append(contentsOf: $0) }
            chunkStart = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[chunkStart..<bytes.count]))
    }

    @inline(__always)
    private static func isSpecial(_ byte: UInt8) -> Bool {
        // Every special byte is at most 0x60 (the backtick), so lowercase letters and all bytes of
        // multi-byte characters leave after one comparison.
        guard byte <= UInt8(ascii: "`") else { return false }
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"),
            UInt8(ascii: "`"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    /// The character reference for a byte for which `isSpecial` is true.
    private static func entity(for byte: UInt8) -> StaticString {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        case UInt8(ascii: "`"): "&#96;"
        case UInt8(ascii: "="): "&#61;"
        default: ""
        }
    }
}
