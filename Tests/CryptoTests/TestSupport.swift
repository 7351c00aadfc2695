import Crypto
import Testing

/// Bytes from hex typed as in the RFCs: spaces and line breaks are ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
    guard let bytes = Hex.decode(compact) else {
        Issue.record("test vector is not hex: \(text)")
        return []
    }
    return bytes
}

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
