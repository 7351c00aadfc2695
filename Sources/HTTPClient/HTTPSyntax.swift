/// Character-level checks from RFC 9110 used to validate requests before they reach curl.
enum HTTPSyntax {
    /// `token = 1*tchar` (RFC 9110 §5.6.2), used for methods and field names.
    static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy(isTokenCharacter)
    }

    /// A field value may not contain CR, LF or NUL (RFC 9110 §5.5); rejecting them prevents header
    /// injection from values that come from job payloads.
    static func isFieldValue(_ string: String) -> Bool {
        !string.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
