/// HMAC-based one-time passwords (RFC 4226).
public enum HOTP {
    /// Code lengths supported. RFC 4226 §4 (R4) requires at least 6 digits; the 31-bit value of §5.3
    /// has at most 10 decimal digits.
    public static let supportedDigits = 6...10

    /// The HOTP value for `counter`: HMAC over the 8-byte big-endian counter (§5.2), dynamic truncation
    /// to 31 bits (§5.3), reduced modulo 10^digits and zero-padded on the left.
    ///
    /// `digits` outside `supportedDigits` is clamped into that range, so the result always has
    /// `HOTP.clampedDigits(digits)` characters.
    public static func code(
        secret: [UInt8], counter: UInt64, digits: Int = 6, algorithm: HashAlgorithm = .sha1
    ) -> String {
        let digits = clampedDigits(digits)
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
        let mac = HMAC.authenticationCode(for: message, key: secret, algorithm: algorithm)
        // §5.3 DT: the low 4 bits of the last byte select where 4 bytes are read; the top bit is masked
        // off so the value is the same whether implementations treat it as signed or unsigned.
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(UInt64(binary) % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// `digits` forced into `supportedDigits`.
    public static func clampedDigits(_ digits: Int) -> Int {
        min(max(digits, supportedDigits.lowerBound), supportedDigits.upperBound)
    }

    /// Whether `code` consists of exactly `digits` ASCII digits (no signs, spaces or other scripts' digits).
    static func isWellFormed(_ code: String, digits: Int) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
