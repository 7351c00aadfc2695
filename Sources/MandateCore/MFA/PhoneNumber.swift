/// A phone number in E.164 form (`+` and 8 to 15 digits, no leading zero), as SMS factors store it.
///
/// People type numbers with spaces, dashes, dots and parentheses (`+1 (415) 555-0100`); those are
/// dropped. Everything else — letters, a missing `+`, a national `0` prefix — is refused with a
/// message that says what is expected, since guessing a country would send codes to strangers.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` followed by the digits.
    public let e164: String

    public var description: String { e164 }

    /// Parses `text`.
    ///
    /// - Throws: `CoreError` validation on `phoneNumber`.
    public init(parsing text: String) throws(CoreError) {
        var digits: [UInt8] = []
        var sawPlus = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard sawPlus else { throw Self.invalid }
                digits.append(byte)
            case UInt8(ascii: "+") where !sawPlus && digits.isEmpty:
                sawPlus = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default:
                throw Self.invalid
            }
            if digits.count > 15 { throw Self.invalid }
        }
        guard sawPlus, (8...15).contains(digits.count), digits.first != UInt8(ascii: "0") else { throw Self.invalid }
        e164 = "+" + String(decoding: digits, as: UTF8.self)
    }

    private static var invalid: CoreError {
        CoreError.invalid(
            "phoneNumber",
            "Enter the phone number in international format: + then the country code and number, such as +44 20 7946 0958."
        )
    }

    /// The number with all but the last two digits hidden (`+44 •••• ••58`), for lists and emails.
    public var masked: String {
        let digits = e164.dropFirst()
        return "+" + String(repeating: "•", count: max(0, digits.count - 2)) + String(digits.suffix(2))
    }

    /// `masked` of a stored number (stored numbers are valid; anything else is shown as is).
    public static func mask(_ stored: String) -> String { (try? PhoneNumber(parsing: stored))?.masked ?? stored }

    /// Whether the number starts with one of `callingCodes` (digits without `+`). An empty list allows any.
    public func isAllowed(by callingCodes: [String]) -> Bool {
        callingCodes.isEmpty || callingCodes.contains { e164.dropFirst().hasPrefix($0) }
    }

    /// Checks a tenant's allow-list entry: 1 to 4 digits, without the `+` (a leading `+` is dropped).
    public static func normalizedCallingCode(_ text: String) -> String? {
        let code = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard (1...4).contains(code.utf8.count), code.utf8.first != UInt8(ascii: "0"),
            code.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return code
    }
}
