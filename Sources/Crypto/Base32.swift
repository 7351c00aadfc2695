/// Base32 with the RFC 4648 §6 alphabet (`A`–`Z`, `2`–`7`), as used for TOTP secrets.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Number of `=` that RFC 4648 §6 appends, indexed by the count of characters in the last
    /// (incomplete) 8-character group; nil marks counts that no byte string can produce.
    private static let paddingForRemainder: [Int?] = [0, nil, 6, nil, 4, 3, nil, 1]

    /// Encodes `bytes`; with `padding` the output length is a multiple of 8 (RFC 4648 §6), without it
    /// the trailing `=` are left out (the form otpauth URIs use).
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt32 = 0
        var bufferedBits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bufferedBits += 8
            while bufferedBits >= 5 {
                bufferedBits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bufferedBits)) & 0x1f)])
            }
            buffer &= (1 << UInt32(bufferedBits)) - 1
        }
        if bufferedBits > 0 {
            // The final group is completed with zero bits (RFC 4648 §6).
            output.append(alphabet[Int((buffer << UInt32(5 - bufferedBits)) & 0x1f)])
        }
        if padding {
            while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base32 text typed or pasted by a person.
    ///
    /// Letters may be in either case; spaces, tabs, line breaks and hyphens are ignored (authenticator
    /// setup screens show secrets in groups). Padding may be omitted, but when present it must be the
    /// exact amount RFC 4648 §6 prescribes and nothing may follow it. Returns nil for any other
    /// character, for a length no byte string encodes to, or when the unused bits of the last
    /// character are not zero (RFC 4648 §3.5: such text is not a canonical encoding).
    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var paddingCount = 0
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "="):
                paddingCount += 1
            default:
                guard paddingCount == 0, let value = value(of: character) else { return nil }
                values.append(value)
            }
        }
        guard let expectedPadding = paddingForRemainder[values.count % 8] else { return nil }
        guard paddingCount == 0 || paddingCount == expectedPadding else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 5 / 8)
        var buffer: UInt32 = 0
        var bufferedBits = 0
        for value in values {
            buffer = (buffer << 5) | UInt32(value)
            bufferedBits += 5
            if bufferedBits >= 8 {
                bufferedBits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bufferedBits)))
                buffer &= (1 << UInt32(bufferedBits)) - 1
            }
        }
        // Whatever is left (fewer than 5 bits) is padding of the last character and must be zero.
        guard buffer == 0 else { return nil }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character - UInt8(ascii: "2") + 26
        default: nil
        }
    }
}
