import Crypto
import Testing

@Suite("HOTP")
struct HOTPTests {
    /// RFC 4226 Appendix D: secret "12345678901234567890", counters 0–9, 6 digits, HMAC-SHA-1.
    static let appendixD: [(counter: UInt64, code: String)] = [
        (0, "755224"), (1, "287082"), (2, "359152"), (3, "969429"), (4, "338314"),
        (5, "254676"), (6, "287922"), (7, "162583"), (8, "399871"), (9, "520489"),
    ]

    @Test("RFC 4226 Appendix D", arguments: appendixD)
    func appendixDValues(counter: UInt64, code: String) {
        #expect(HOTP.code(secret: utf8("12345678901234567890"), counter: counter) == code)
    }

    @Test("Digits are clamped to 6...10 and zero-padded")
    func digits() {
        let secret = utf8("12345678901234567890")
        #expect(HOTP.code(secret: secret, counter: 0, digits: 4) == "755224")
        #expect(HOTP.code(secret: secret, counter: 0, digits: 12).count == 10)
        #expect(HOTP.clampedDigits(8) == 8)
        // RFC 4226 Appendix D lists the truncated decimal of counter 0 as 1284755224.
        #expect(HOTP.code(secret: secret, counter: 0, digits: 10) == "1284755224")
        // Counter 2 truncates to 137359152 (RFC 4226 Appendix D), so 10 digits need a leading zero.
        #expect(HOTP.code(secret: secret, counter: 2, digits: 10) == "0137359152")
    }
}

extension HOTPTests {
    @Test("The EVP_MAC fast path agrees with one-shot HMAC for random secrets, counters, digits and algorithms")
    func agreesWithOneShotPath() {
        var generator = SeededGenerator(seed: 0x5EED_4016)
        let counters: [UInt64] = [0, 1, 255, 256, UInt64(UInt32.max), 1 << 63, UInt64.max - 1, UInt64.max]
        for index in 0..<1500 {
            let secret = SeededGenerator.secret(using: &generator)
            let algorithm = HashAlgorithm.allCases.randomElement(using: &generator)!
            let digits = Int.random(in: 4...12, using: &generator)
            let counter = index < counters.count ? counters[index] : generator.next()
            let expected = ReferenceOTP.code(secret: secret, counter: counter, digits: digits, algorithm: algorithm)
            let actual = HOTP.code(secret: secret, counter: counter, digits: digits, algorithm: algorithm)
            #expect(actual == expected, "secret \(secret.hexEncodedString()) counter \(counter) \(algorithm)")
        }
    }

    @Test("An empty secret after a non-empty one is not mistaken for \"keep the previous key\"")
    func emptySecretAfterAnother() {
        for algorithm in HashAlgorithm.allCases {
            for secret in [utf8("12345678901234567890"), [], [0], [], utf8("Jefe"), []] {
                #expect(
                    HOTP.code(secret: secret, counter: 7, algorithm: algorithm)
                        == ReferenceOTP.code(secret: secret, counter: 7, digits: 6, algorithm: algorithm))
            }
        }
    }
}

/// The straightforward HOTP/TOTP path (as it was before the EVP_MAC context) that the fast path must agree
/// with: one-shot `HMAC.authenticationCode` per counter, the code built as a string, codes compared as bytes.
enum ReferenceOTP {
    static func code(secret: [UInt8], counter: UInt64, digits: Int, algorithm: HashAlgorithm) -> String {
        let digits = HOTP.clampedDigits(digits)
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
        let mac = HMAC.authenticationCode(for: message, key: secret, algorithm: algorithm)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(UInt64(binary) % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    static func matchingStep(
        _ totp: TOTP, for code: String, at unixTime: Int64, window: Int, after lastUsedStep: Int64?
    ) -> Int64? {
        let wellFormed =
            code.utf8.count == totp.digits
            && code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard wellFormed else { return nil }
        let window = Int64(min(max(window, 0), TOTP.maximumWindow))
        let current = totp.step(at: unixTime)
        var matched: Int64?
        for offset in -window...window {
            let (candidate, overflow) = current.addingReportingOverflow(offset)
            if overflow { continue }
            if let lastUsedStep, candidate <= lastUsedStep { continue }
            let expected = Self.code(
                secret: totp.secret, counter: UInt64(bitPattern: candidate), digits: totp.digits,
                algorithm: totp.algorithm)
            if constantTimeEquals(Array(expected.utf8), Array(code.utf8)) { matched = candidate }
        }
        return matched
    }
}

/// SplitMix64: a small, seeded generator so that random test cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A random secret whose length is one of the interesting ones: empty, shorter than, equal to and longer
    /// than the 64- and 128-byte block sizes (longer keys are hashed first by HMAC).
    static func secret(using generator: inout SeededGenerator) -> [UInt8] {
        let length = [0, 1, 10, 16, 20, 32, 63, 64, 65, 100, 128, 129, 200].randomElement(using: &generator)!
        return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `digits` random ASCII digits.
    static func code(digits: Int, using generator: inout SeededGenerator) -> String {
        String(decoding: (0..<digits).map { _ in UInt8.random(in: 48...57, using: &generator) }, as: UTF8.self)
    }
}
