import CLibCrypto

/// Cryptographically secure random values from libcrypto's CSPRNG (`RAND_bytes`).
///
/// Use this for salts, session tokens, one-time codes and secrets; never `SystemRandomNumberGenerator`
/// mixed with ad-hoc code, and never modulo reduction (see `uniform(below:)`).
public enum SecureRandom {
    /// `count` random bytes (an empty array when `count` ≤ 0).
    ///
    /// If the CSPRNG fails this function stops the process with `fatalError`. This is the one place in
    /// the module where a fatal stop is deliberate: every caller uses these bytes as secrets (salts,
    /// tokens, TOTP secrets, login codes), there is no safe fallback source, and carrying on with
    /// predictable bytes would silently mint guessable credentials. `RAND_bytes` only fails when the
    /// operating system's entropy source is unusable, which no request can cause or repair.
    public static func bytes(count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        output.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                // RAND_bytes takes a C int length; larger requests are served in chunks.
                let chunk = min(buffer.count - offset, Int(Int32.max))
                guard let base = buffer.baseAddress, RAND_bytes(base + offset, Int32(chunk)) == 1 else {
                    fatalError(
                        "SecureRandom: RAND_bytes failed (\(OpenSSLErrors.drain())); refusing to continue without a CSPRNG"
                    )
                }
                offset += chunk
            }
        }
        return output
    }

    /// A uniformly distributed integer in `0..<upperBound` (0 when `upperBound` is 0 or 1).
    ///
    /// Rejection sampling removes modulo bias: 32-bit draws below `2^32 mod upperBound` are discarded,
    /// so the remaining range is an exact multiple of `upperBound`. Fewer than half of all draws can be
    /// rejected, so the expected number of draws is below 2.
    public static func uniform(below upperBound: UInt32) -> UInt32 {
        guard upperBound > 1 else { return 0 }
        // (2^32 - upperBound) mod upperBound == 2^32 mod upperBound, computed without 64-bit arithmetic.
        let threshold = (0 &- upperBound) % upperBound
        while true {
            let draw = randomUInt32()
            if draw >= threshold {
                return draw % upperBound
            }
        }
    }

    /// A string of exactly `digits` decimal digits, leading zeros kept (e.g. a 6-digit SMS code).
    /// Each digit is drawn independently and uniformly. Returns "" when `digits` ≤ 0.
    public static func numericCode(digits: Int) -> String {
        guard digits > 0 else { return "" }
        var characters: [UInt8] = []
        characters.reserveCapacity(digits)
        for _ in 0..<digits {
            characters.append(UInt8(ascii: "0") + UInt8(uniform(below: 10)))
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// A URL-safe random token: `byteCount` random bytes as base64url without padding (RFC 4648 §5).
    /// The default 32 bytes give 256 bits of entropy in 43 characters.
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(count: byteCount))
    }

    private static func randomUInt32() -> UInt32 {
        bytes(count: 4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
