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
