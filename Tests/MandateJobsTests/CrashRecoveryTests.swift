import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import Testing

@Suite("Crash safety: a worker dies holding jobs")
struct CrashRecoveryTests {
    @Test("after the lease expires another worker delivers them: none lost, duplicates share their webhook-id")
    func deadWorkerJobsAreRedelivered() async throws {
        let fixture = try DeliveryFixture(leaseDuration: .seconds(60)) { _, _ in .respond(status: 200) }
        var messages: [QueuedMessage] = []
        for index in 0..<20 {
            messages.append(try await fixture.queueSMS(to: "+1555010\(index)"))
        }
        // The doomed worker claims everything and sends some of it, then "dies": it never
        // records a result (what kill -9 between the request and the commit looks like).
        let batch = try await fixture.queue.claim(
            owner: "doomed-worker", limit: 100, leaseDuration: .seconds(60), handlers: .empty)
        #expect(batch.jobs.count == 20)
        let deliverer = WebhookDeliverer(client: fixture.client, endpoints: fixture.endpoints, clock: fixture.clock)
        let gateway = try WebhookGateway(name: "sms", url: fixture.sink.url("/sms"), secret: DeliveryFixture.secretText)
        let handler = SMSDeliveryHandler(gateway: gateway, deliverer: deliverer)
        for job in batch.jobs.prefix(12) {
            #expect(await handler.handle(job) == .succeeded)
        }

        // While the leases are valid nobody else takes the jobs.
        fixture.clock.advance(by: 59)
        #expect(try await fixture.pool.processDueJobs().completions.isEmpty)

        // The leases expire: the next claim reaps them and the survivor delivers everything.
        fixture.clock.advance(by: 1)
        let report = try await fixture.pool.processDueJobs()
        #expect(report.claim.reclaimedCount == 20)
        #expect(report.completions.count == 20 && report.applied.allSatisfy { $0 })
        for message in messages {
            #expect(try await fixture.job(message.jobID)?.state == .succeeded)
            #expect(try await fixture.job(message.jobID)?.attempts == 2)
            #expect(try await fixture.message(message.messageID)?.status == .sent)
        }

        let requests = try fixture.verifiedRequests()
        let byID = Dictionary(grouping: requests) { $0.header("webhook-id") ?? "" }
        #expect(Set(byID.keys) == Set(messages.map(\.messageID)))
        #expect(byID.values.filter { $0.count == 2 }.count == 12)
        #expect(byID.values.filter { $0.count == 1 }.count == 8)
        for duplicates in byID.values where duplicates.count == 2 {
            #expect(duplicates[0].body == duplicates[1].body)
        }
        try await PythonVerifier.expectAllVerify(requests, secret: DeliveryFixture.secretText)
    }

    @Test("a result from a worker that lost its lease is dropped, not applied over the new owner's")
    func staleResultIsFenced() async throws {
        let temp = try TemporaryDatabase()
        let clock = ManualClock()
        let queue = JobQueue(database: temp.database, clock: clock)
        let id = try #require(try await queue.enqueue(try noopJob()))
        let stale = try await queue.claim(owner: "slow", limit: 1, leaseDuration: .seconds(10), handlers: .empty)
        clock.advance(by: 11)
        let fresh = try await queue.claim(owner: "fast", limit: 1, leaseDuration: .seconds(10), handlers: .empty)
        #expect(fresh.jobs.first?.attempt == 2)
        let report = try await queue.complete(
            [JobCompletion(job: try #require(stale.jobs.first), resolution: .dead(reason: .failed, error: "late"))],
            handlers: .empty)
        #expect(report.applied == [false])
        #expect(try await queue.show(id: id)?.state == .running)
        let applied = try await queue.complete(
            [JobCompletion(job: try #require(fresh.jobs.first), resolution: .succeeded)], handlers: .empty)
        #expect(applied.applied == [true])
        #expect(try await queue.show(id: id)?.state == .succeeded)
    }

    @Test("a worker that keeps dying on a job uses up its attempts: dead-lettered as exhausted")
    func leaseExpiryCountsAttempts() async throws {
        let temp = try TemporaryDatabase()
        let clock = ManualClock()
        let queue = JobQueue(database: temp.database, clock: clock)
        let id = try #require(try await queue.enqueue(try noopJob(maxAttempts: 2)))
        for _ in 0..<2 {
            #expect(
                try await queue.claim(owner: "x", limit: 1, leaseDuration: .seconds(5), handlers: .empty).jobs.count
                    == 1)
            clock.advance(by: 5)
        }
        let batch = try await queue.claim(owner: "x", limit: 1, leaseDuration: .seconds(5), handlers: .empty)
        #expect(batch.jobs.isEmpty && batch.exhausted.map(\.id) == [id])
        let job = try #require(try await queue.show(id: id))
        #expect(
            job.state == .dead && job.deadReason == .exhausted && job.lastError?.contains("did the worker die") == true)
    }
}
