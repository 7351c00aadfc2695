import Foundation
import MandateJobs
import Testing

/// A deterministic generator (SplitMix64) so bounds tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Backoff: full jitter, cap, Retry-After, attempt budget")
struct RetryPolicyTests {
    let policy = RetryPolicy(baseDelay: .seconds(2), maximumDelay: .seconds(60), retryAfterLimit: .seconds(3600))

    @Test("the ceiling doubles from the base and stops at the cap")
    func ceilings() {
        let expected: [Duration] = [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60)]
        for (index, ceiling) in expected.enumerated() {
            #expect(policy.backoffCeiling(afterAttempt: index + 1) == ceiling)
        }
        #expect(policy.backoffCeiling(afterAttempt: 500) == .seconds(60))
        #expect(policy.backoffCeiling(afterAttempt: 0) == .seconds(2))
    }

    @Test("full jitter: every delay lies in 0…ceiling and the range is used")
    func fullJitterBounds() {
        var generator = SeededGenerator(state: 42)
        for attempt in 1...10 {
            let ceiling = policy.backoffCeiling(afterAttempt: attempt)
            var samples: [Duration] = []
            for _ in 0..<500 {
                samples.append(policy.backoff(afterAttempt: attempt, using: &generator))
            }
            #expect(samples.allSatisfy { $0 >= .zero && $0 <= ceiling })
            // Full jitter, not "equal jitter": values near zero and near the ceiling both occur.
            #expect(samples.contains { $0 < ceiling * 0.1 })
            #expect(samples.contains { $0 > ceiling * 0.9 })
        }
    }

    @Test("Retry-After wins when later than the backoff, up to its limit")
    func retryAfterOverride() {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<200 {
            #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(120), using: &generator) == .seconds(120))
            let short = policy.delay(afterAttempt: 6, retryAfter: .seconds(1), using: &generator)
            #expect(short >= .zero && short <= .seconds(60))
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(999_999), using: &generator) == .seconds(3600))
    }

    static func job(attempt: Int, maxAttempts: Int, notAfter: Date? = nil) -> ClaimedJob {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        return ClaimedJob(
            id: 1, kind: "noop", payload: Array("{}".utf8), priority: 90, attempt: attempt, maxAttempts: maxAttempts,
            runAt: now, notAfter: notAfter, tenantID: nil, idempotencyKey: nil, createdAt: now, leaseOwner: "w",
            leaseExpiresAt: now)
    }

    @Test("a retry on the last attempt dead-letters the job as exhausted with its error")
    func lastAttempt() {
        var generator = SeededGenerator(state: 1)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let resolution = JobCompletion.Resolution.resolving(
            .retry(after: nil, error: "HTTP 503"), for: Self.job(attempt: 3, maxAttempts: 3), policy: policy, now: now,
            using: &generator)
        guard case .dead(.exhausted, let error) = resolution else {
            Issue.record("expected exhausted, got \(resolution)")
            return
        }
        #expect(error.contains("3 attempt") && error.contains("HTTP 503"))
    }

    @Test("a retry that would land after the deadline dead-letters the job as expired")
    func retryPastDeadline() {
        var generator = SeededGenerator(state: 1)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let job = Self.job(attempt: 1, maxAttempts: 5, notAfter: now.addingTimeInterval(30))
        let resolution = JobCompletion.Resolution.resolving(
            .retry(after: .seconds(60), error: "HTTP 429"), for: job, policy: policy, now: now, using: &generator)
        guard case .dead(.expired, _) = resolution else {
            Issue.record("expected expired, got \(resolution)")
            return
        }
        let early = JobCompletion.Resolution.resolving(
            .retry(after: .seconds(5), error: "HTTP 429"), for: job, policy: policy, now: now, using: &generator)
        #expect(early == .retry(at: now.addingTimeInterval(5), error: "HTTP 429"))
    }
}
