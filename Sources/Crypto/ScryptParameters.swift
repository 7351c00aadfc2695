/// Cost parameters of scrypt (RFC 7914 §2): CPU/memory cost `N = 2^logN`, block size `r`,
/// parallelization `p`.
public struct ScryptParameters: Sendable, Hashable {
    /// Base-2 logarithm of the CPU/memory cost N.
    public var logN: UInt8
    /// Block size factor r.
    public var r: UInt32
    /// Parallelization factor p.
    public var p: UInt32

    /// Creates parameters; nothing is checked until they are used (see `validate()`).
    public init(logN: UInt8, r: UInt32, p: UInt32) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// OWASP Password Storage Cheat Sheet recommendation: N = 2^17 (128 MiB of memory), r = 8, p = 1.
    /// Takes roughly 0.3–0.5 s per hash on one core of a server.
    public static let owasp = ScryptParameters(logN: 17, r: 8, p: 1)

    /// Cheap parameters (N = 2^10, r = 8, p = 1: 1 MiB, about a millisecond) for TESTS ONLY.
    /// Hashes made with them are weak; `PasswordHash.needsRehash` reports them against `.owasp`.
    public static let testing = ScryptParameters(logN: 10, r: 8, p: 1)

    /// Largest accepted logN. 2^22 with r = 8 would already need 4 GiB; the memory cap below is
    /// usually the tighter bound.
    public static let maximumLogN: UInt8 = 22

    /// Largest accepted size of scrypt's V array (128 · r · N bytes): 1 GiB. A corrupted or forged
    /// hash must not be able to make the server allocate more than this.
    public static let maximumMemoryBytes: UInt64 = 1 << 30

    /// Largest accepted amount of work, measured as N · r · p (OWASP's setting is 2^20). 2^25 allows
    /// 32 times the OWASP cost, about 15 s on one core; anything above is treated as corruption.
    public static let maximumWork: UInt64 = 1 << 25

    /// Bytes of memory scrypt needs for V (128 · r · N), or nil if that overflows.
    public var memoryBytes: UInt64? {
        guard logN < 64 else { return nil }
        let (blockBytes, overflow1) = UInt64(r).multipliedReportingOverflow(by: 128)
        let (total, overflow2) = blockBytes.multipliedReportingOverflow(by: UInt64(1) << UInt64(logN))
        return overflow1 || overflow2 ? nil : total
    }

    /// Throws `.unsupportedParameters` unless these parameters are valid for scrypt and within the
    /// resource limits above. Checked before every derivation so absurd values are never attempted.
    public func validate() throws(CryptoError) {
        // RFC 7914 §2: N must be a power of two greater than 1.
        guard logN >= 1, logN <= Self.maximumLogN else {
            throw CryptoError(.unsupportedParameters, "scrypt logN \(logN) is outside 1...\(Self.maximumLogN)")
        }
        guard r >= 1, p >= 1 else {
            throw CryptoError(.unsupportedParameters, "scrypt r and p must be at least 1 (r=\(r), p=\(p))")
        }
        // RFC 7914 §2: p ≤ ((2^32-1) * hLen) / MFLen, enforced as r * p < 2^30 (same bound as libcrypto).
        guard UInt64(r) * UInt64(p) < (1 << 30) else {
            throw CryptoError(.unsupportedParameters, "scrypt r*p must be below 2^30 (r=\(r), p=\(p))")
        }
        // RFC 7914 §6 (scryptROMix): N must be less than 2^(128 * r / 8); libcrypto rejects it otherwise.
        guard UInt64(logN) < 16 * UInt64(r) else {
            throw CryptoError(.unsupportedParameters, "scrypt N=2^\(logN) is too large for r=\(r)")
        }
        guard let memory = memoryBytes, memory <= Self.maximumMemoryBytes else {
            throw CryptoError(
                .unsupportedParameters, "scrypt logN=\(logN), r=\(r) needs more than \(Self.maximumMemoryBytes) bytes")
        }
        let (work, overflow) = (UInt64(r) * UInt64(p)).multipliedReportingOverflow(by: UInt64(1) << UInt64(logN))
        guard !overflow, work <= Self.maximumWork else {
            throw CryptoError(.unsupportedParameters, "scrypt logN=\(logN), r=\(r), p=\(p) exceeds the work limit")
        }
    }

    /// Whether these parameters are weaker than `target` in any dimension.
    public func isWeaker(than target: ScryptParameters) -> Bool {
        logN < target.logN || r < target.r || p < target.p
    }
}
