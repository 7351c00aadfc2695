import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import Testing

@Suite("Retry-After in both forms (RFC 9110 §10.2.3)")
struct RetryAfterDeliveryTests {
    /// 2026-01-01T00:01:30Z, 90 s after the manual clock's start, in the three HTTP-date forms.
    @Test(
        "an HTTP-date Retry-After on a 503 is honoured",
        arguments: ["Thu, 01 Jan 2026 00:01:30 GMT", "Thursday, 01-Jan-26 00:01:30 GMT", "Thu Jan  1 00:01:30 2026"])
    func httpDate(value: String) async throws {
        let fixture = try DeliveryFixture { _, index in
            index == 0 ? .respond(status: 503, headers: [("Retry-After", value)]) : .respond(status: 200)
        }
        let message = try await fixture.queueEmail()
        _ = try await fixture.pool.processDueJobs()
        let job = try #require(try await fixture.job(message.jobID))
        #expect(job.state == .queued && job.runAt >= Date(timeIntervalSince1970: 1_767_225_690))
        #expect(job.runAt <= Date(timeIntervalSince1970: 1_767_225_692))
    }

    @Test("an unreadable Retry-After falls back to the backoff", arguments: ["soon", "-5", ""])
    func unreadable(value: String) async throws {
        let fixture = try DeliveryFixture { _, _ in .respond(status: 503, headers: [("Retry-After", value)]) }
        let message = try await fixture.queueEmail()
        _ = try await fixture.pool.processDueJobs()
        let job = try #require(try await fixture.job(message.jobID))
        // The standard policy's first backoff is at most 2 s.
        #expect(job.state == .queued && job.runAt <= fixture.clock.now().addingTimeInterval(2))
    }
}
