/// Time-based one-time passwords (RFC 6238) for authenticator apps.
///
/// Unix time is passed in explicitly so that callers (and tests) control the clock.
public struct TOTP: Sendable {
    /// The shared secret (the raw bytes, not its base32 text).
    public let secret: [UInt8]
    /// Code length, within `HOTP.supportedDigits`.
    public let digits: Int
    /// Time step X in seconds (RFC 6238 §4.1), at least 1.
    public let period: Int
    /// HMAC hash function (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
    public let algorithm: HashAlgorithm

    /// Largest accepted `window` in `matchingStep`: a wider window mostly helps guessing.
    public static let maximumWindow = 10

    /// Creates a TOTP generator. `digits` is clamped into `HOTP.supportedDigits` and `period` to at
    /// least 1 second, so a misconfiguration cannot crash or divide by zero.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: HashAlgorithm = .sha1) {
        self.secret = secret
        self.digits = HOTP.clampedDigits(digits)
        self.period = max(period, 1)
        self.algorithm = algorithm
    }

    /// The time step T = floor((unixTime - T0) / X) with T0 = 0 (RFC 6238 §4.2). Rounds towards
    /// negative infinity for times before the epoch.
    public func step(at unixTime: Int64) -> Int64 {
        let period = Int64(self.period)
        let quotient = unixTime / period
        return unixTime % period < 0 ? quotient - 1 : quotient
    }

    /// The code valid at `unixTime`.
    public func code(at unixTime: Int64) -> String {
        code(forStep: step(at: unixTime))
    }

    /// The code of time step `step` (HOTP with the step as counter, RFC 6238 §4.2). Negative steps use
    /// their two's-complement bit pattern as the counter.
    public func code(forStep step: Int64) -> String {
        HOTP.code(secret: secret, counter: UInt64(bitPattern: step), digits: digits, algorithm: algorithm)
    }

    /// The time step whose code equals `code`, or nil.
    ///
    /// Checks steps T-window…T+window around `unixTime` (RFC 6238 §5.2 recommends at most one step of
    /// network delay/clock drift; `window` is clamped to 0...`maximumWindow`). Only steps strictly
    /// greater than `lastUsedStep` are eligible: §5.2 requires that a code is accepted only once, so the
    /// caller stores the returned step and passes it back next time. A `code` that is not exactly
    /// `digits` ASCII digits is rejected. Every eligible candidate is computed and compared without
    /// branching on the comparison, and the loop does not stop at a match; if several steps match, the
    /// latest is returned. If libcrypto fails (it only does when memory runs out), nothing matches.
    ///
    /// The key is loaded into a libcrypto HMAC context once per call and each candidate's truncated value
    /// is compared as an integer, so a call allocates no strings or arrays.
    public func matchingStep(for code: String, at unixTime: Int64, window: Int = 1, after lastUsedStep: Int64?)
        -> Int64?
    {
        guard let offered = HOTP.parsedCode(code, digits: digits) else { return nil }
        let window = Int64(min(max(window, 0), Self.maximumWindow))
        let current = step(at: unixTime)
        guard var context = HMACContext(key: secret, algorithm: algorithm) else { return nil }
        let modulus = HOTP.modulus(digits: digits)
        var matched: UInt64 = 0
        var found: UInt64 = 0
        for offset in -window...window {
            let (candidate, overflow) = current.addingReportingOverflow(offset)
            if overflow { continue }
            if let lastUsedStep, candidate <= lastUsedStep { continue }
            let counter = UInt64(bitPattern: candidate)
            guard let value = context.hotpValue(counter: counter, modulus: modulus) else { return nil }
            // equal is 1 when value == offered and 0 otherwise, computed without a branch; mask is then
            // all ones or all zeros and selects the candidate.
            let difference = value ^ offered
            let equal = ((difference | (0 &- difference)) >> 63) ^ 1
            let mask = 0 &- equal
            matched = (counter & mask) | (matched & ~mask)
            found |= equal
        }
        return found == 0 ? nil : Int64(bitPattern: matched)
    }
}
