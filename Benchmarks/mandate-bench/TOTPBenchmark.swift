import Crypto
import Foundation

/// TOTP verification as sign-in checks it (RFC 6238: HMAC-SHA-1, 6 digits, 30 s, window T-1…T+1), on one
/// thread, no server involved: `TOTP.matchingStep` against the previous one-shot path (`HMAC()` per
/// step, with strings and arrays), and `TOTP.code(forStep:)` generation against the one-shot code. Median
/// of 3 runs, each after a warm-up. `--iterations N` (default 2,000,000) sets the verifications per run; the slower one-shot
/// path runs a tenth of them (`--one-shot-iterations N`).
enum TOTPBenchmark {
    /// One verification: a code offered at a time, with the last used step stored for the account.
    struct Attempt {
        let code: String
        let time: Int64
        let lastUsedStep: Int64
        let matches: Bool
    }

    static let runs = 3

    static func run(_ arguments: [String]) async throws {
        let iterations = max(1, Int(option("--iterations", in: arguments) ?? "") ?? 2_000_000)
        let oneShotIterations = max(1, Int(option("--one-shot-iterations", in: arguments) ?? "") ?? iterations / 10)
        print(
            "# TOTP verification (SHA-1, 6 digits, 30 s, window T-1…T+1), one thread, median of \(runs) runs; "
                + MachineInfo.summary)
        let totp = TOTP(secret: Array("mandate-bench-secret".utf8))  // 20 bytes, as authenticator apps use
        let attempts = makeAttempts(totp)
        let mask = attempts.count - 1  // attempts.count is a power of two, so `& mask` picks them in turn
        let expectedMatches = { (count: Int) in (0..<count).count { attempts[$0 & mask].matches } }

        let fast = try measure(iterations) { count in
            var matches = 0
            for index in 0..<count {
                let attempt = attempts[index & mask]
                if totp.matchingStep(for: attempt.code, at: attempt.time, after: attempt.lastUsedStep) != nil {
                    matches += 1
                }
            }
            guard matches == expectedMatches(count) else { throw Failure.wrongResult("matchingStep") }
        }
        report("verify, EVP_MAC context", fast, unit: "verifications")
        print("target ≥ 500000 verifications/s: \(fast.median >= 500_000 ? "met" : "NOT met")")

        let oneShot = try measure(oneShotIterations) { count in
            var matches = 0
            for index in 0..<count {
                let attempt = attempts[index & mask]
                if oneShotMatchingStep(totp, attempt.code, at: attempt.time, after: attempt.lastUsedStep) != nil {
                    matches += 1
                }
            }
            guard matches == expectedMatches(count) else { throw Failure.wrongResult("one-shot matchingStep") }
        }
        report("verify, one-shot HMAC()", oneShot, unit: "verifications")
        print(String(format: "speed-up: %.1f×", fast.median / oneShot.median))

        let base = totp.step(at: 1_700_000_000)
        let generation = try measure(iterations) { count in
            var length = 0
            for index in 0..<count { length += totp.code(forStep: base + Int64(index & 1023)).utf8.count }
            guard length == 6 * count else { throw Failure.wrongResult("code(forStep:)") }
        }
        report("code(forStep:)", generation, unit: "codes")

        let oneShotGeneration = try measure(oneShotIterations) { count in
            var length = 0
            for index in 0..<count {
                length += oneShotCode(totp.secret, counter: UInt64(base + Int64(index & 1023))).utf8.count
            }
            guard length == 6 * count else { throw Failure.wrongResult("one-shot code") }
        }
        report("code, one-shot HMAC()", oneShotGeneration, unit: "codes")
    }

    /// 1,024 attempts at different times, in turn a code of step T, T-1, T+1 and a code of none of them
    /// (T+2's code when that differs from all three). The last used step is T-2, so all three are eligible.
    static func makeAttempts(_ totp: TOTP) -> [Attempt] {
        (0..<1024).map { index in
            let time = 1_700_000_000 + Int64(index) * 37
            let current = totp.step(at: time)
            let window = (-1...1).map { totp.code(forStep: current + Int64($0)) }
            var code: String
            switch index % 4 {
            case 0: code = window[1]
            case 1: code = window[0]
            case 2: code = window[2]
            default:
                code = totp.code(forStep: current + 2)
                var next = Int(code)!
                while window.contains(code) {
                    next = (next + 1) % 1_000_000
                    code = String(repeating: "0", count: 6 - String(next).count) + String(next)
                }
            }
            return Attempt(code: code, time: time, lastUsedStep: current - 2, matches: index % 4 != 3)
        }
    }

    /// The verification as it was before the EVP_MAC context: one-shot `HMAC.authenticationCode` per
    /// step, the code built as a string and compared as byte arrays.
    static func oneShotMatchingStep(_ totp: TOTP, _ code: String, at unixTime: Int64, after lastUsedStep: Int64?)
        -> Int64?
    {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let current = totp.step(at: unixTime)
        let offered = Array(code.utf8)
        var matched: Int64?
        for offset: Int64 in -1...1 {
            let candidate = current + offset
            if let lastUsedStep, candidate <= lastUsedStep { continue }
            if constantTimeEquals(Array(oneShotCode(totp.secret, counter: UInt64(bitPattern: candidate)).utf8), offered)
            {
                matched = candidate
            }
        }
        return matched
    }

    /// The former `HOTP.code` for 6 digits and SHA-1.
    static func oneShotCode(_ secret: [UInt8], counter: UInt64) -> String {
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
        let mac = HMAC.authenticationCode(for: message, key: secret, algorithm: .sha1)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        let value = String(binary % 1_000_000)
        return String(repeating: "0", count: 6 - value.count) + value
    }

    struct Measurement {
        let iterations: Int
        /// Operations per second of each run, in run order.
        let rates: [Double]
        var median: Double { rates.sorted()[rates.count / 2] }
    }

    enum Failure: Error, CustomStringConvertible {
        case wrongResult(String)
        var description: String {
            switch self {
            case .wrongResult(let what): "\(what) gave wrong results"
            }
        }
    }

    /// Runs `body(iterations)` `runs` times after a warm-up of a twentieth of that, timed with the monotonic
    /// `ContinuousClock`.
    static func measure(_ iterations: Int, _ body: (Int) throws -> Void) throws -> Measurement {
        try body(max(1, iterations / 20))
        var rates: [Double] = []
        for _ in 0..<runs {
            let clock = ContinuousClock()
            let start = clock.now
            try body(iterations)
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rates.append(Double(iterations) / seconds)
        }
        return Measurement(iterations: iterations, rates: rates)
    }

    static func report(_ name: String, _ measurement: Measurement, unit: String) {
        let label = "\(name):".padding(toLength: 26, withPad: " ", startingAt: 0)
        print(
            String(
                format: "%@ %.0f %@/s, %.0f ns each (%d per run)", label, measurement.median, unit,
                1e9 / measurement.median, measurement.iterations))
        for rate in measurement.rates { print(String(format: "    run: %.0f %@/s, %.0f ns", rate, unit, 1e9 / rate)) }
    }
}
