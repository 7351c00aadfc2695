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
        let modulus = self.modulus(digits: digits)
        if var context = HMACContext(key: secret, algorithm: algorithm),
            let value = context.hotpValue(counter: counter, modulus: modulus)
        {
            return formatted(value, digits: digits)
        }
        // libcrypto failed (it only does when memory runs out). The one-shot path then yields the code of an
        // unpredictable MAC, which matches nothing an attacker can predict.
        let mac = HMAC.authenticationCode(for: counterBytes(counter), key: secret, algorithm: algorithm)
        let value = mac.withUnsafeBufferPointer { UInt64(dynamicTruncation($0)) % modulus }
        return formatted(value, digits: digits)
    }

    /// `digits` forced into `supportedDigits`.
    public static func clampedDigits(_ digits: Int) -> Int {
        min(max(digits, supportedDigits.lowerBound), supportedDigits.upperBound)
    }

    /// The numeric value of `code` if it consists of exactly `digits` ASCII digits (no signs, spaces or
    /// other scripts' digits), else nil. The count matters: "12345" and "012345" have the same value.
    static func parsedCode(_ code: String, digits: Int) -> UInt64? {
        guard digits <= supportedDigits.upperBound else { return nil }
        var code = code  // withUTF8 is mutating (it may make a foreign string contiguous); no copy for small ones
        return code.withUTF8 { bytes in
            guard bytes.count == digits else { return nil }
            var value: UInt64 = 0
            for byte in bytes {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + UInt64(digit)
            }
            return value
        }
    }

    /// 10^digits, for `digits` in `supportedDigits`.
    static func modulus(digits: Int) -> UInt64 {
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        return modulus
    }

    /// §5.3 dynamic truncation: the low 4 bits of the last byte select where 4 bytes are read; the top bit
    /// is masked off so the value is the same whether implementations treat it as signed or unsigned.
    static func dynamicTruncation(_ mac: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let offset = Int(mac[mac.count - 1] & 0x0f)
        return UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
    }

    /// `value` in decimal, zero-padded on the left to `digits` characters (`value` < 10^digits).
    static func formatted(_ value: UInt64, digits: Int) -> String {
        String(unsafeUninitializedCapacity: digits) { buffer in
            var rest = value
            for index in stride(from: digits - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return digits
        }
    }

    /// The 8-byte big-endian counter (§5.2).
    static func counterBytes(_ counter: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
    }
}

extension HMACContext {
    /// The HOTP value (§5.3 truncation modulo `modulus`) of `counter` under the loaded key, computed without
    /// allocating; nil when libcrypto fails.
    mutating func hotpValue(counter: UInt64, modulus: UInt64) -> UInt64? {
        let message = counter.bigEndian
        return withUnsafeBytes(of: message) { messageBytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HMACContext.maximumLength) { output in
                guard let length = authenticationCode(for: messageBytes, into: output) else { return nil }
                return UInt64(HOTP.dynamicTruncation(UnsafeBufferPointer(rebasing: output[..<length]))) % modulus
            }
        }
    }
}
