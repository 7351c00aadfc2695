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

    @Test("Malformed codes are refused even when their numeric value matches")
    func malformedButNumericallyEqual() throws {
        let totp = TOTP(secret: Self.secret)
        // A time whose code starts with "0", so that dropping it gives a 5-digit string of the same value.
        var time = Self.now
        while !totp.code(at: time).hasPrefix("0") { time += 30 }
        let code = totp.code(at: time)
        #expect(totp.matchingStep(for: code, at: time, after: nil) == totp.step(at: time))
        let rest = String(code.dropFirst())
        var bad = ["12345", "1234567", "１２３４５６", "+12345", "-12345", "١٢٣٤٥٦", rest, "0" + code, "00" + code]
        bad += ["+" + rest, "-" + rest, " " + rest, rest + " ", " " + code, code + " ", code + "\n"]
        bad += ["\u{0}" + code, code + "\u{0}", Self.shifted(code, by: 0xFEE0), Self.shifted(code, by: 0x630)]
        bad.append(String(code.prefix(3)) + " " + String(code.dropFirst(3)))
        for candidate in bad {
            #expect(totp.matchingStep(for: candidate, at: time, after: nil) == nil, "\(candidate.debugDescription)")
        }
    }

    /// `code` with every scalar moved by `offset` (from ASCII digits to another script's digits).
    static func shifted(_ code: String, by offset: UInt32) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in code.unicodeScalars { scalars.append(Unicode.Scalar(scalar.value + offset) ?? scalar) }
        return String(scalars)
    }

    @Test("A code whose step equals the last used step is refused; the next step's code is accepted")
    func reuseRefusedAtEveryOffset() {
        let totp = TOTP(secret: Self.secret)
        let current = totp.step(at: Self.now)
        for offset: Int64 in -1...1 {
            let step = current + offset
            let code = totp.code(forStep: step)
            #expect(totp.matchingStep(for: code, at: Self.now, after: step) == nil)
            #expect(totp.matchingStep(for: code, at: Self.now, after: step + 1) == nil)
            #expect(totp.matchingStep(for: code, at: Self.now, after: step - 1) == step)
        }
    }

    /// "collision-7982" has the same 6-digit code, 573558, at steps 56666659 and 56666667 (found with
    /// Python's hmac module, an implementation independent of libcrypto).
    @Test("When several steps in the window match, the latest eligible one is returned")
    func latestMatchWins() {
        let totp = TOTP(secret: utf8("collision-7982"))
        let time: Int64 = 56_666_666 * 30
        #expect(totp.code(forStep: 56_666_659) == "573558")
        #expect(totp.code(forStep: 56_666_667) == "573558")
        #expect(totp.matchingStep(for: "573558", at: time, window: 10, after: nil) == 56_666_667)
        #expect(totp.matchingStep(for: "573558", at: time, window: 7, after: 56_666_659) == 56_666_667)
        #expect(totp.matchingStep(for: "573558", at: time, window: 10, after: 56_666_667) == nil)
        #expect(totp.matchingStep(for: "573558", at: 56_666_658 * 30, window: 1, after: nil) == 56_666_659)
    }

    @Test("matchingStep and code(forStep:) agree with the one-shot path for random secrets, times and codes")
    func agreesWithOneShotPath() {
        var generator = SeededGenerator(seed: 0x7074_6F74)
        for _ in 0..<400 {
            let secret = SeededGenerator.secret(using: &generator)
            let digits = Int.random(in: 6...10, using: &generator)
            let period = [1, 30, 60].randomElement(using: &generator)!
            let algorithm = HashAlgorithm.allCases.randomElement(using: &generator)!
            let totp = TOTP(secret: secret, digits: digits, period: period, algorithm: algorithm)
            let time = Self.randomTime(using: &generator)
            let current = totp.step(at: time)
            let window = Int.random(in: -1...(TOTP.maximumWindow + 1), using: &generator)
            var lastUsedStep: Int64?
            if Bool.random(using: &generator) { lastUsedStep = current &+ Int64.random(in: -4...2, using: &generator) }
            let offset = Int64.random(in: -4...4, using: &generator)
            var codes = [SeededGenerator.code(digits: digits, using: &generator)]
            let (step, overflow) = current.addingReportingOverflow(offset)
            if !overflow {
                let counter = UInt64(bitPattern: step)
                let expected = ReferenceOTP.code(secret: secret, counter: counter, digits: digits, algorithm: algorithm)
                #expect(totp.code(forStep: step) == expected)
                codes.append(expected)
            }
            for code in codes {
                let expected = ReferenceOTP.matchingStep(totp, for: code, at: time, window: window, after: lastUsedStep)
                let actual = totp.matchingStep(for: code, at: time, window: window, after: lastUsedStep)
                #expect(actual == expected, "secret \(secret.hexEncodedString()) \(algorithm) \(digits) digits \(time)")
            }
        }
    }

    /// Mostly ordinary times, sometimes before the epoch or at either end of Int64 (where steps overflow).
    static func randomTime(using generator: inout SeededGenerator) -> Int64 {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: Int64.min + Int64.random(in: 0...600, using: &generator)
        case 1: Int64.max - Int64.random(in: 0...600, using: &generator)
        case 2: Int64.random(in: -1_000_000...0, using: &generator)
        default: Int64.random(in: 0...40_000_000_000, using: &generator)
        }
    }

    @Test("Concurrent verifications with different secrets each get their own key")
    func concurrentVerifications() async {
        let agreeing = await withTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var generator = SeededGenerator(seed: UInt64(task))
                    var agreeing = 0
                    for _ in 0..<100 {
                        let totp = TOTP(secret: SeededGenerator.secret(using: &generator))
                        let time = Int64.random(in: 0...4_000_000_000, using: &generator)
                        let step = totp.step(at: time)
                        let code = ReferenceOTP.code(
                            secret: totp.secret, counter: UInt64(step), digits: 6, algorithm: .sha1)
                        let matched = totp.matchingStep(for: code, at: time, after: nil)
                        if matched == step, totp.code(at: time) == code { agreeing += 1 }
                    }
                    return agreeing
                }
            }
            return await group.reduce(0, +)
        }
        #expect(agreeing == 1600)
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
