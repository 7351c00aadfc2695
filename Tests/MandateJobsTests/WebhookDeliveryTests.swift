import Foundation
import Glibc
import HTTPClient
import Lifecycle
import MandateCore
import MandateJobs
import Testing

@Suite("Webhook delivery against a scripted local sink")
struct WebhookDeliveryTests {
    @Test("500 then 200: retried with backoff, delivered once, same webhook-id and body both times")
    func retryThenDeliver() async throws {
        let fixture = try DeliveryFixture { _, index in
            index == 0 ? .respond(status: 500, body: "oops") : .respond(status: 200)
        }
        let message = try await fixture.queueSMS()
        let first = try await fixture.pool.processDueJobs()
        #expect(first.completions.count == 1)
        let afterFirst = try #require(try await fixture.job(message.jobID))
        #expect(afterFirst.state == .queued && afterFirst.attempts == 1)
        #expect(afterFirst.lastError?.contains("HTTP 500") == true && afterFirst.lastError?.contains("oops") == true)
        // Full jitter after attempt 1 with the SMS policy: somewhere in 0…1 s.
        #expect(
            afterFirst.runAt >= fixture.clock.now() && afterFirst.runAt <= fixture.clock.now().addingTimeInterval(1))

        fixture.clock.set(afterFirst.runAt)
        let second = try await fixture.pool.processDueJobs()
        #expect(second.completions.map(\.resolution) == [.succeeded])
        let done = try #require(try await fixture.job(message.jobID))
        #expect(done.state == .succeeded && done.attempts == 2)
        #expect(try await fixture.message(message.messageID)?.status == .sent)

        let requests = try fixture.verifiedRequests()
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("webhook-id") == message.messageID })
        #expect(requests[0].body == requests[1].body)
        #expect(requests.allSatisfy { $0.target == "/sms" && $0.header("Content-Type") == "application/json" })
        let event = try JSONSerialization.jsonObject(with: Data(requests[1].body)) as? [String: Any]
        #expect(event?["type"] as? String == "sms.send")
        let data = event?["data"] as? [String: Any]
        #expect(data?["messageId"] as? String == message.messageID)
        #expect(data?["to"] as? String == "+15550100")
        #expect(data?["body"] as? String == "Your code is 042042")
        #expect(data?["tenantId"] as? String == "tenant-1")
        #expect(event?["timestamp"] as? String == "2026-01-01T00:00:00Z")
        try await PythonVerifier.expectAllVerify(requests, secret: DeliveryFixture.secretText)
    }

    @Test("429 with Retry-After: the next attempt is not before it")
    func retryAfterHonoured() async throws {
        let fixture = try DeliveryFixture { _, index in
            index == 0 ? .respond(status: 429, headers: [("Retry-After", "120")]) : .respond(status: 200)
        }
        let message = try await fixture.queueEmail()
        let start = fixture.clock.now()
        _ = try await fixture.pool.processDueJobs()
        let parked = try #require(try await fixture.job(message.jobID))
        #expect(parked.state == .queued && parked.runAt >= start.addingTimeInterval(120))

        fixture.clock.advance(by: 119)
        #expect(try await fixture.pool.processDueJobs().completions.isEmpty)
        #expect(fixture.sink.requests.count == 1)
        fixture.clock.set(parked.runAt)
        #expect(try await fixture.pool.processDueJobs().completions.map(\.resolution) == [.succeeded])
        let requests = try fixture.verifiedRequests()
        #expect(requests.count == 2)
        #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 120)
        try await PythonVerifier.expectAllVerify(requests, secret: DeliveryFixture.secretText)
    }

    @Test("400: permanent failure, dead-lettered with the error kept, message dead")
    func permanentFailure() async throws {
        let fixture = try DeliveryFixture { _, _ in .respond(status: 400, body: #"{"error":"bad number"}"#) }
        let message = try await fixture.queueSMS()
        _ = try await fixture.pool.processDueJobs()
        let job = try #require(try await fixture.job(message.jobID))
        #expect(job.state == .dead && job.deadReason == .failed && job.attempts == 1)
        #expect(job.lastError?.contains("HTTP 400") == true && job.lastError?.contains("bad number") == true)
        let record = try #require(try await fixture.message(message.messageID))
        #expect(record.status == .dead && record.errorCode == "http_400")
        fixture.clock.advance(by: 3600)
        #expect(try await fixture.pool.processDueJobs().completions.isEmpty)
        #expect(try fixture.verifiedRequests().count == 1)
        try await PythonVerifier.expectAllVerify(fixture.sink.requests, secret: DeliveryFixture.secretText)
    }

    @Test("a receiver that hangs: the request times out and is retried")
    func timeout() async throws {
        let fixture = try DeliveryFixture(totalTimeout: .milliseconds(300)) { _, index in
            index == 0 ? .hang : .respond(status: 204)
        }
        let message = try await fixture.queueEmail()
        _ = try await fixture.pool.processDueJobs()
        let parked = try #require(try await fixture.job(message.jobID))
        #expect(parked.state == .queued && parked.attempts == 1)
        #expect(parked.lastError?.lowercased().contains("timed out") == true)
        fixture.clock.set(parked.runAt)
        #expect(try await fixture.pool.processDueJobs().completions.map(\.resolution) == [.succeeded])
        let requests = try fixture.verifiedRequests()
        #expect(requests.count == 2 && Set(requests.compactMap { $0.header("webhook-id") }) == [message.messageID])
        try await PythonVerifier.expectAllVerify(requests, secret: DeliveryFixture.secretText)
    }

    @Test("302: the redirect is not followed and counts as a permanent failure")
    func redirect() async throws {
        let fixture = try DeliveryFixture { request, _ in
            request.target == "/email"
                ? .respond(status: 302, headers: [("Location", "/elsewhere")]) : .respond(status: 200)
        }
        let message = try await fixture.queueEmail()
        _ = try await fixture.pool.processDueJobs()
        let job = try #require(try await fixture.job(message.jobID))
        #expect(job.state == .dead && job.deadReason == .failed)
        #expect(job.lastError?.contains("redirects are not followed") == true)
        #expect(fixture.sink.requests.map(\.target) == ["/email"])
        try await PythonVerifier.expectAllVerify(fixture.sink.requests, secret: DeliveryFixture.secretText)
    }

    @Test("an SMS whose code expired is never sent: job dead (expired), message expired")
    func expiredAtClaim() async throws {
        let fixture = try DeliveryFixture { _, _ in .respond(status: 200) }
        let message = try await fixture.queueSMS(validFor: 60)
        fixture.clock.advance(by: 60)
        let report = try await fixture.pool.processDueJobs()
        #expect(report.completions.isEmpty && report.claim.expired.map(\.id) == [message.jobID])
        let job = try #require(try await fixture.job(message.jobID))
        #expect(job.state == .dead && job.deadReason == .expired && job.attempts == 0)
        #expect(try await fixture.message(message.messageID)?.status == .expired)
        #expect(fixture.sink.requests.isEmpty)
    }

    @Test("the deadline is checked again right before sending")
    func expiredRightBeforeSending() async throws {
        let fixture = try DeliveryFixture { _, _ in .respond(status: 200) }
        let deliverer = WebhookDeliverer(client: fixture.client, endpoints: fixture.endpoints, clock: fixture.clock)
        let gateway = try WebhookGateway(name: "sms", url: fixture.sink.url("/sms"), secret: DeliveryFixture.secretText)
        let result = await deliverer.deliver(
            body: Array("{}".utf8), webhookID: "msg_x", to: gateway, notAfter: fixture.clock.now())
        #expect(result == .expired)
        #expect(fixture.sink.requests.isEmpty)
    }

    @Test("410 disables the endpoint: the job and later jobs are dead-lettered until it is enabled")
    func gone() async throws {
        let fixture = try DeliveryFixture { _, index in index == 0 ? .respond(status: 410) : .respond(status: 200) }
        let first = try await fixture.queueSMS()
        _ = try await fixture.pool.processDueJobs()
        let firstJob = try #require(try await fixture.job(first.jobID))
        #expect(firstJob.state == .dead && firstJob.lastError?.contains("HTTP 410") == true)
        #expect(try await fixture.endpoints.disabledReason(of: "sms")?.contains("410") == true)
        #expect(try await fixture.endpoints.disabledEndpoints().map(\.name) == ["sms"])

        let second = try await fixture.queueSMS()
        _ = try await fixture.pool.processDueJobs()
        let secondJob = try #require(try await fixture.job(second.jobID))
        #expect(secondJob.state == .dead && secondJob.lastError?.contains("is disabled") == true)
        #expect(fixture.sink.requests.count == 1)
        // Email is another endpoint and still works.
        let email = try await fixture.queueEmail()
        _ = try await fixture.pool.processDueJobs()
        #expect(try await fixture.job(email.jobID)?.state == .succeeded)

        try await fixture.endpoints.enable("sms")
        try await fixture.queue.retry(id: second.jobID)
        _ = try await fixture.pool.processDueJobs()
        #expect(try await fixture.job(second.jobID)?.state == .succeeded)
        #expect(try await fixture.message(second.messageID)?.status == .sent)
        try await PythonVerifier.expectAllVerify(try fixture.verifiedRequests(), secret: DeliveryFixture.secretText)
    }

    @Test("a refused connection is retried; a non-http URL is refused at configuration")
    func transportFailures() async throws {
        #expect(throws: JobQueueError.self) {
            try WebhookGateway(name: "sms", url: "ftp://127.0.0.1/", secret: DeliveryFixture.secretText)
        }
        #expect(throws: JobQueueError.self) {
            try WebhookGateway(name: "sms", url: "http://127.0.0.1/", secret: "not-a-secret")
        }
        let fixture = try DeliveryFixture { _, _ in .respond(status: 200) }
        // A socket bound but not listening: connections to its port are refused, and no other
        // test can take the port while it is held (a stopped server's port could be reused).
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let deliverer = WebhookDeliverer(client: fixture.client, endpoints: fixture.endpoints, clock: fixture.clock)
        let gateway = try WebhookGateway(
            name: "sms", url: "http://127.0.0.1:\(refusing.port)/hooks", secret: DeliveryFixture.secretText)
        let result = await deliverer.deliver(body: Array("{}".utf8), webhookID: "msg_x", to: gateway, notAfter: nil)
        guard case .retry(nil, let error) = result else {
            Issue.record("expected a retry, got \(result)")
            return
        }
        #expect(error.contains("webhook endpoint 'sms'"))
    }
}

/// A loopback port that refuses connections for as long as this value holds it.
struct RefusingPort {
    let fd: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw SinkFailure("cannot bind a refusing port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
