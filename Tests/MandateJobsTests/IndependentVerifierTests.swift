import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import Testing

/// Every request Mandate sends, in every response scenario, verified by the Python reference
/// implementation of Standard Webhooks. Skipped, with the reason, when the virtualenv is missing.
@Suite(
    "Signatures checked by Python's standardwebhooks",
    .enabled(if: PythonVerifier.isAvailable, Comment(rawValue: PythonVerifier.skipMessage)))
struct IndependentVerifierTests {
    @Test("every attempt of every scenario verifies, retries included")
    func everyScenarioVerifies() async throws {
        // Cycles 500, 429, 400, 302, 410-free statuses and 200 so each kind of attempt is signed.
        let statuses = [500, 429, 200, 400, 302, 200, 503, 200]
        let fixture = try DeliveryFixture { _, index in
            .respond(status: statuses[index % statuses.count], headers: [("Retry-After", "1")])
        }
        for _ in 0..<3 {
            _ = try await fixture.queueSMS()
            _ = try await fixture.queueEmail()
        }
        for _ in 0..<8 {
            _ = try await fixture.pool.processDueJobs()
            fixture.clock.advance(by: 40)
        }
        let requests = fixture.sink.requests
        #expect(requests.count >= 6)
        let verdicts = try await PythonVerifier.verdicts(for: requests, secret: DeliveryFixture.secretText)
        #expect(verdicts == Array(repeating: "ok", count: requests.count))
    }

    @Test("the verifier really checks: a changed body, a wrong secret and an old timestamp fail")
    func negativeControl() async throws {
        let fixture = try DeliveryFixture { _, _ in .respond(status: 200) }
        _ = try await fixture.queueSMS()
        _ = try await fixture.pool.processDueJobs()
        let original = try #require(fixture.sink.requests.first)
        var tampered = original
        tampered.body = Array(
            String(decoding: original.body, as: UTF8.self).replacingOccurrences(of: "042042", with: "999999").utf8)
        var late = original
        late.receivedAt = original.receivedAt.addingTimeInterval(301)
        let verdicts = try await PythonVerifier.verdicts(
            for: [original, tampered, late], secret: DeliveryFixture.secretText)
        #expect(verdicts.count == 3)
        #expect(verdicts.first == "ok")
        #expect(verdicts.dropFirst().allSatisfy { $0.hasPrefix("error:") })
        let wrongSecret = try await PythonVerifier.verdicts(for: [original], secret: WebhookSecret.generate().text)
        #expect(wrongSecret.first?.contains("No matching signature") == true)
    }
}
