import Crypto
import Testing

@Suite("TOTP")
struct TOTPTests {
    /// RFC 6238 Appendix B seeds: the ASCII digits "1234567890" repeated to the hash's output length
    /// (20, 32 and 64 bytes, per the RFC's errata-confirmed reference implementation).
    static let seeds: [HashAlgorithm: [UInt8]] = [
        .sha1: utf8("12345678901234567890"),
        .sha256: utf8("12345678901234567890123456789012"),
        .sha512: utf8("1234567890123456789012345678901234567890123456789012345678901234"),
    ]

    struct Row: Sendable, CustomTestStringConvertible {
        let time: Int64
        let algorithm: HashAlgorithm
        let code: String
        var testDescription: String { "\(time) \(algorithm.otpauthName)" }
    }

    /// RFC 6238 Appendix B, every row (8 digits, 30-second step, T0 = 0).
    static let appendixB: [Row] = [
        Row(time: 59, algorithm: .sha1, code: "94287082"),
        Row(time: 59, algorithm: .sha256, code: "46119246"),
        Row(time: 59, algorithm: .sha512, code: "90693936"),
        Row(time: 1_111_111_109, algorithm: .sha1, code: "07081804"),
        Row(time: 1_111_111_109, algorithm: .sha256, code: "68084774"),
        Row(time: 1_111_111_109, algorithm: .sha512, code: "25091201"),
        Row(time: 1_111_111_111, algorithm: .sha1, code: "14050471"),
        Row(time: 1_111_111_111, algorithm: .sha256, code: "67062674"),
        Row(time: 1_111_111_111, algorithm: .sha512, code: "99943326"),
        Row(time: 1_234_567_890, algorithm: .sha1, code: "89005924"),
        Row(time: 1_234_567_890, algorithm: .sha256, code: "91819424"),
        Row(time: 1_234_567_890, algorithm: .sha512, code: "93441116"),
        Row(time: 2_000_000_000, algorithm: .sha1, code: "69279037"),
        Row(time: 2_000_000_000, algorithm: .sha256, code: "90698825"),
        Row(time: 2_000_000_000, algorithm: .sha512, code: "38618901"),
        Row(time: 20_000_000_000, algorithm: .sha1, code: "65353130"),
        Row(time: 20_000_000_000, algorithm: .sha256, code: "77737706"),
        Row(time: 20_000_000_000, algorithm: .sha512, code: "47863826"),
    ]

    @Test("RFC 6238 Appendix B", arguments: appendixB)
    func appendixBRow(row: Row) throws {
        let totp = TOTP(secret: try #require(Self.seeds[row.algorithm]), digits: 8, algorithm: row.algorithm)
        #expect(totp.code(at: row.time) == row.code)
    }

    @Test("Time steps from the RFC 6238 Appendix B table (T column)")
    func steps() {
        let totp = TOTP(secret: [])
        #expect(totp.step(at: 59) == 0x1)
        #expect(totp.step(at: 1_111_111_109) == 0x23523EC)
        #expect(totp.step(at: 1_111_111_111) == 0x23523ED)
        #expect(totp.step(at: 20_000_000_000) == 0x27BC_86AA)
        #expect(totp.step(at: 0) == 0)
        #expect(totp.step(at: -1) == -1)
        #expect(totp.step(at: Int64.min) < 0)
    }

    static let secret = utf8("12345678901234567890")
    static let now: Int64 = 1_234_567_890

    @Test("Window accepts T-1, T and T+1 and rejects T-2 and T+2")
    func window() {
        let totp = TOTP(secret: Self.secret)
        let current = totp.step(at: Self.now)
        for offset: Int64 in -1...1 {
            let code = totp.code(forStep: current + offset)
            #expect(totp.matchingStep(for: code, at: Self.now, after: nil) == current + offset)
        }
        for offset: Int64 in [-2, 2] {
            let code = totp.code(forStep: current + offset)
            #expect(totp.matchingStep(for: code, at: Self.now, after: nil) == nil)
        }
        // A wider window reaches them; window 0 accepts only the current step.
        #expect(
            totp.matchingStep(for: totp.code(forStep: current + 2), at: Self.now, window: 2, after: nil) == current + 2)
        #expect(totp.matchingStep(for: totp.code(forStep: current - 1), at: Self.now, window: 0, after: nil) == nil)
        #expect(totp.matchingStep(for: totp.code(forStep: current), at: Self.now, window: -5, after: nil) == current)
    }

    @Test("A code is accepted once (RFC 6238 §5.2)")
    func replay() throws {
        let totp = TOTP(secret: Self.secret)
        let code = totp.code(at: Self.now)
        let used = try #require(totp.matchingStep(for: code, at: Self.now, after: nil))
        #expect(totp.matchingStep(for: code, at: Self.now, after: used) == nil)
        #expect(totp.matchingStep(for: code, at: Self.now + 25, after: used) == nil)
        // An older step's code is refused once a later step has been used.
        let previous = totp.code(forStep: used - 1)
        #expect(totp.matchingStep(for: previous, at: Self.now, after: used) == nil)
        // The next step's code is still fine.
        let next = totp.code(forStep: used + 1)
        #expect(totp.matchingStep(for: next, at: Self.now + 30, after: used) == used + 1)
    }

    @Test("Codes that are not exactly `digits` ASCII digits are rejected")
    func malformedCodes() {
        let totp = TOTP(secret: Self.secret)
        let code = totp.code(at: Self.now)
        #expect(totp.matchingStep(for: code, at: Self.now, after: nil) != nil)
        let bad = [
            "", String(code.dropLast()), code + "0", " " + code, code + " ", "+" + code.dropFirst(),
            "12345a", "٠١٢٣٤٥", "１２３４５６", "-12345",
        ]
        for candidate in bad {
            #expect(totp.matchingStep(for: candidate, at: Self.now, after: nil) == nil, "\(candidate)")
        }
        // An 8-digit code of the same secret is not a valid 6-digit code.
        let eight = TOTP(secret: Self.secret, digits: 8).code(at: Self.now)
        #expect(totp.matchingStep(for: eight, at: Self.now, after: nil) == nil)
    }

    @Test("Configuration is clamped rather than trusted")
    func clamping() {
        let totp = TOTP(secret: Self.secret, digits: 3, period: 0)
        #expect(totp.digits == 6)
        #expect(totp.period == 1)
        #expect(totp.code(at: 5).count == 6)
    }

    @Test("Provisioning URI layout and percent-encoding")
    func provisioningURI() {
        let totp = TOTP(secret: Self.secret)
        #expect(
            totp.provisioningURI(issuer: "ACME Co", accountName: "john.doe@example.com")
                == "otpauth://totp/ACME%20Co:john.doe%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
        #expect(
            totp.provisioningURI(issuer: "Ex:ample&Co", accountName: "Müller/ä?=#+")
                == "otpauth://totp/Ex%3Aample%26Co:M%C3%BCller%2F%C3%A4%3F%3D%23%2B"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ex%3Aample%26Co&algorithm=SHA1&digits=6&period=30")
        let custom = TOTP(secret: [0xff], digits: 8, period: 60, algorithm: .sha256)
        #expect(
            custom.provisioningURI(issuer: "", accountName: "a b")
                == "otpauth://totp/a%20b?secret=74&algorithm=SHA256&digits=8&period=60")
    }
}
