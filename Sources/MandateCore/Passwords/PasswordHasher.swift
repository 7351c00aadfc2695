public import Crypto
public import Lifecycle
import Synchronization

/// scrypt hashing on a bounded pool of threads (SECURITY.md: "Passwords", "Sign-in").
///
/// Verification of an unknown account runs against a dummy hash with the same parameters, so an
/// attacker cannot tell from the time taken whether an account exists.
public final class PasswordHasher: Sendable {
    /// Parameters for new hashes (OWASP in production; cheaper only in tests).
    public let parameters: ScryptParameters
    private let pool: BlockingPool
    /// Made on first use, on a hashing thread (never on the caller's, which may be the cooperative pool).
    private let dummyHash = DummyHash()
    private let verifications = Atomic<Int>(0)
    private let computeSeconds: HistogramFamily?
    private let waitSeconds: HistogramFamily?

    /// - Parameters:
    ///   - threads: hashes computed at once (each holds 128 MiB at the OWASP parameters).
    ///   - queueLimit: hashes allowed to wait; more are refused with `.unavailable`.
    public init(
        parameters: ScryptParameters = .owasp, threads: Int, queueLimit: Int = 64, metrics: MetricsRegistry? = nil
    ) {
        self.parameters = parameters
        pool = BlockingPool(name: "scrypt", threadCount: threads, queueLimit: queueLimit)
        computeSeconds = metrics?.histogram(
            "mandate_password_hash_seconds", help: "Time computing scrypt hashes, by operation.",
            labelNames: ["operation"], buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        waitSeconds = metrics?.histogram(
            "mandate_password_hash_wait_seconds", help: "Time hashes waited for a free hashing thread.",
            buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5])
        if let metrics {
            let pool = self.pool
            metrics.addCollector {
                [
                    .gauge(
                        "mandate_password_hash_queue", help: "Hashes waiting for a thread.",
                        value: Double(pool.waitingCount))
                ]
            }
        }
    }

    /// A new PHC string for `password` (already normalised).
    public func hash(_ password: [UInt8]) async throws(CoreError) -> String {
        let parameters = self.parameters
        return try await run("hash") { try PasswordHash.make(password: password, parameters: parameters) }
    }

    /// Whether `password` matches `phc`; with no hash (unknown or passwordless account) the dummy
    /// hash is checked and the answer is always false.
    public func verify(_ password: [UInt8], against phc: String?) async throws(CoreError) -> Bool {
        verifications.wrappingAdd(1, ordering: .relaxed)
        let parameters = self.parameters
        let dummyHash = self.dummyHash
        let matched = try await run("verify") { () -> Bool in
            // With no real hash, verify against a dummy one with today's parameters: the same work,
            // so the time taken does not reveal that the account does not exist.
            let target = phc ?? dummyHash.value(parameters: parameters)
            return (try? PasswordHash.verify(password: password, against: target)) ?? false
        }
        return phc != nil && matched
    }

    /// Whether a stored hash uses weaker parameters than today's (rehash at the next sign-in).
    public func needsRehash(_ phc: String) -> Bool {
        PasswordHash.needsRehash(phc, target: parameters)
    }

    /// Password verifications so far (real and dummy): lets tests prove every refusal path pays
    /// for exactly one hash.
    public var verificationCount: Int { verifications.load(ordering: .relaxed) }

    /// Hashes waiting for a thread.
    public var waitingCount: Int { pool.waitingCount }

    public func shutdown() { pool.shutdown() }

    private func run<T: Sendable>(_ operation: String, _ work: @escaping @Sendable () throws -> T)
        async throws(CoreError) -> T
    {
        let queued = MonotonicTime.nanoseconds()
        let computeSeconds = self.computeSeconds
        let waitSeconds = self.waitSeconds
        do {
            return try await pool.run {
                let started = MonotonicTime.nanoseconds()
                waitSeconds?.observe(Double(started - queued) / 1e9)
                defer { computeSeconds?.observe(Double(MonotonicTime.nanoseconds() - started) / 1e9, [operation]) }
                return try work()
            }
        } catch is BlockingPoolError {
            throw CoreError(
                .unavailable(retryAfterSeconds: 2), "Too many sign-ins at once; please try again in a moment.")
        } catch {
            throw CoreError(.internalFailure, "password hashing failed: \(error)")
        }
    }
}

/// A hash of a password nobody has, for verifying unknown accounts at the same cost.
private final class DummyHash: Sendable {
    private let cached = Mutex<String?>(nil)

    func value(parameters: ScryptParameters) -> String {
        if let existing = cached.withLock({ $0 }) { return existing }
        let made = (try? PasswordHash.make(password: Array("not a real password".utf8), parameters: parameters)) ?? ""
        return cached.withLock { value in
            if value == nil { value = made }
            return value!
        }
    }
}
