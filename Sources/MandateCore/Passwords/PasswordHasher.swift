public import Crypto
import Lifecycle
import Synchronization

/// scrypt hashing on a bounded pool of threads (SECURITY.md: "Passwords", "Sign-in").
///
/// Verification of an unknown account runs against a dummy hash with the same parameters, so an
/// attacker cannot tell from the time taken whether an account exists.
public final class PasswordHasher: Sendable {
    /// Parameters for new hashes (OWASP in production; cheaper only in tests).
    public let parameters: ScryptParameters
    private let pool: BlockingPool
    private let dummyHash: String
    private let verifications = Atomic<Int>(0)

    /// - Parameters:
    ///   - threads: hashes computed at once (each holds 128 MiB at the OWASP parameters).
    ///   - queueLimit: hashes allowed to wait; more are refused with `.unavailable`.
    public init(parameters: ScryptParameters = .owasp, threads: Int, queueLimit: Int = 64) {
        self.parameters = parameters
        pool = BlockingPool(name: "scrypt", threadCount: threads, queueLimit: queueLimit)
        dummyHash = (try? PasswordHash.make(password: Array("not a real password".utf8), parameters: parameters)) ?? ""
    }

    /// A new PHC string for `password` (already normalised).
    public func hash(_ password: [UInt8]) async throws(CoreError) -> String {
        let parameters = self.parameters
        return try await run { try PasswordHash.make(password: password, parameters: parameters) }
    }

    /// Whether `password` matches `phc`; with no hash (unknown or passwordless account) the dummy
    /// hash is checked and the answer is always false.
    public func verify(_ password: [UInt8], against phc: String?) async throws(CoreError) -> Bool {
        let target = phc ?? dummyHash
        verifications.wrappingAdd(1, ordering: .relaxed)
        let matched = try await run { (try? PasswordHash.verify(password: password, against: target)) ?? false }
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

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws(CoreError) -> T {
        do {
            return try await pool.run(work)
        } catch is BlockingPoolError {
            throw CoreError(
                .unavailable(retryAfterSeconds: 2), "Too many sign-ins at once; please try again in a moment.")
        } catch {
            throw CoreError(.internalFailure, "password hashing failed: \(error)")
        }
    }
}
