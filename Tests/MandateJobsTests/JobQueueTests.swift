import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage
import Testing

@Suite("Queue engine: idempotency, priority, deadlines, attempts, dead letters")
struct JobQueueTests {
    let temp: TemporaryDatabase
    let clock = ManualClock()
    let queue: JobQueue

    init() throws {
        temp = try TemporaryDatabase()
        queue = JobQueue(database: temp.database, clock: clock)
    }

    func pool(_ handlers: [any JobHandler], batch: Int = 64) throws -> WorkerPool {
        try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry(handlers),
            configuration: .init(concurrency: 8, claimBatchSize: batch, ownerID: "w1"),
            logger: capturingLogger(CapturingLogSink(), clock: clock))
    }

    @Test("an idempotency key dedupes enqueues")
    func idempotencyKey() async throws {
        let first = try await queue.enqueue(try noopJob(key: "welcome-email:u1"))
        let second = try await queue.enqueue(try noopJob(key: "welcome-email:u1"))
        #expect(first != nil && second == nil)
        let ids = try await queue.enqueue([try noopJob(key: "a"), try noopJob(key: "welcome-email:u1"), try noopJob()])
        #expect(ids[0] != nil && ids[1] == nil && ids[2] != nil)
        #expect(try await queue.stats().countsByState[.queued] == 3)
    }

    @Test("priority: an SMS code jumps ahead of 100 queued emails")
    func priority() async throws {
        var emails: [NewJob] = []
        for _ in 0..<100 { emails.append(try noopJob(kind: JobKind.emailSend)) }
        try await queue.enqueue(emails)
        clock.advance(by: 1)
        let code = try #require(try await queue.enqueue(try noopJob(kind: JobKind.smsSend)))
        let batch = try await queue.claim(owner: "w1", limit: 1, leaseDuration: .seconds(60), handlers: .empty)
        #expect(batch.jobs.map(\.id) == [code])
        #expect(batch.jobs.first?.priority == 10 && batch.jobs.first?.attempt == 1)
        let next = try await queue.claim(owner: "w1", limit: 10, leaseDuration: .seconds(60), handlers: .empty)
        #expect(next.jobs.map(\.id) == Array(1...10).map(Int64.init))
    }

    @Test("jobs are not claimed before run_at, nor while leased")
    func runAtAndLeases() async throws {
        let later = try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), runAt: clock.now().addingTimeInterval(30))
        try await queue.enqueue([later, try noopJob()])
        let first = try await queue.claim(owner: "w1", limit: 10, leaseDuration: .seconds(60), handlers: .empty)
        #expect(first.jobs.map(\.id) == [2])
        #expect(
            try await queue.claim(owner: "w2", limit: 10, leaseDuration: .seconds(60), handlers: .empty).jobs.isEmpty)
        clock.advance(by: 30)
        let second = try await queue.claim(owner: "w2", limit: 10, leaseDuration: .seconds(60), handlers: .empty)
        #expect(second.jobs.map(\.id) == [1])
    }

    @Test("notAfter is honoured at claim time: the job is dead-lettered as expired, never handed out")
    func notAfterAtClaim() async throws {
        let handler = ScriptedHandler()
        let id = try #require(try await queue.enqueue(try noopJob(notAfter: clock.now().addingTimeInterval(10))))
        clock.advance(by: 10)
        let report = try await pool([handler]).processDueJobs()
        #expect(report.completions.isEmpty && handler.jobs.isEmpty)
        #expect(report.claim.expired.map(\.id) == [id])
        let job = try #require(try await queue.show(id: id))
        #expect(job.state == .dead && job.deadReason == .expired && job.lastError?.contains("deadline") == true)
    }

    @Test("without housekeeping the claim still never hands out an expired job")
    func notAfterWithoutHousekeeping() async throws {
        let id = try #require(try await queue.enqueue(try noopJob(notAfter: clock.now().addingTimeInterval(10))))
        let fresh = try #require(try await queue.enqueue(try noopJob()))
        clock.advance(by: 10)
        let skipped = try await queue.claim(
            owner: "w1", limit: 10, leaseDuration: .seconds(60), handlers: .empty, housekeeping: false)
        #expect(skipped.jobs.map(\.id) == [fresh] && skipped.expired.isEmpty)
        #expect(try await queue.show(id: id)?.state == .queued)
        let swept = try await queue.claim(owner: "w1", limit: 10, leaseDuration: .seconds(60), handlers: .empty)
        #expect(swept.jobs.isEmpty && swept.expired.map(\.id) == [id])
        #expect(try await queue.show(id: id)?.deadReason == .expired)
    }

    @Test("max attempts: a job that keeps failing is dead-lettered with its last error")
    func maxAttempts() async throws {
        let handler = ScriptedHandler { job in .retry(after: nil, error: "gateway down (attempt \(job.attempt))") }
        let pool = try pool([handler])
        let id = try #require(try await queue.enqueue(try noopJob(maxAttempts: 3)))
        for _ in 0..<5 {
            _ = try await pool.processDueJobs()
            clock.advance(by: 10)  // the policy's cap
        }
        #expect(handler.jobs.map(\.attempt) == [1, 2, 3])
        let job = try #require(try await queue.show(id: id))
        #expect(job.state == .dead && job.deadReason == .exhausted && job.attempts == 3)
        #expect(job.lastError?.contains("gateway down (attempt 3)") == true)
        #expect(job.finishedAt == clock.now().addingTimeInterval(-30))
    }

    @Test("a permanent failure is dead-lettered at once; an unknown kind too, with a clear error")
    func failuresAndUnknownKinds() async throws {
        let handler = ScriptedHandler { _ in .failed(error: "payload names no user") }
        let failing = try #require(try await queue.enqueue(try noopJob()))
        let unknown = try #require(try await queue.enqueue(try noopJob(kind: "report.generate")))
        _ = try await pool([handler]).processDueJobs()
        let failed = try #require(try await queue.show(id: failing))
        #expect(failed.state == .dead && failed.deadReason == .failed && failed.lastError == "payload names no user")
        let orphan = try #require(try await queue.show(id: unknown))
        #expect(orphan.state == .dead && orphan.deadReason == .unknownKind)
        #expect(orphan.lastError == "no handler is registered for kind 'report.generate' (this worker runs: noop)")
    }

    @Test("operations: stats, list, show, retry, purge")
    func operations() async throws {
        let handler = ScriptedHandler { _ in .failed(error: "no") }
        try await queue.enqueue([try noopJob(), try noopJob(), try noopJob(kind: "other", priority: 99)])
        _ = try await pool([handler], batch: 2).processDueJobs()
        clock.advance(by: 5)
        let stats = try await queue.stats()
        #expect(stats.countsByState == [.queued: 1, .running: 0, .succeeded: 0, .dead: 2])
        #expect(stats.countsByKind["noop"] == [.dead: 2])
        #expect(stats.countsByKind["other"] == [.queued: 1])
        #expect(stats.oldestQueuedAge == .seconds(5))
        #expect(try await queue.depth().queued == 1)

        #expect(try await queue.list(state: .dead).map(\.id) == [2, 1])
        #expect(try await queue.list(kind: "other").map(\.id) == [3])
        #expect(try await queue.list(state: .queued, kind: "noop").isEmpty)
        #expect(try await queue.show(id: 99) == nil)

        try await queue.retry(id: 1)
        let retried = try #require(try await queue.show(id: 1))
        #expect(retried.state == .queued && retried.attempts == 0 && retried.runAt == clock.now())
        #expect(retried.lastError == "no" && retried.deadReason == nil && retried.finishedAt == nil)
        await #expect { try await queue.retry(id: 1) } throws: { ($0 as? JobQueueError)?.reason == .invalidState }
        await #expect { try await queue.retry(id: 99) } throws: { ($0 as? JobQueueError)?.reason == .notFound }

        clock.advance(by: 3600)
        #expect(try await queue.purgeDead(olderThan: .seconds(3606)) == 0)
        #expect(try await queue.purgeDead(olderThan: .seconds(60)) == 1)
        #expect(try await queue.show(id: 2) == nil)
    }

    @Test("metrics: deliveries by outcome, queue depth and oldest age at scrape time")
    func metrics() async throws {
        let registry = MetricsRegistry()
        let metrics = JobMetrics(registry: registry, queue: queue)
        let handler = ScriptedHandler { job in
            switch job.id {
            case 1: .succeeded
            case 2: .retry(after: nil, error: "later")
            default: .failed(error: "never")
            }
        }
        let pool = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([handler]), configuration: .init(ownerID: "w1"),
            logger: capturingLogger(CapturingLogSink()), metrics: metrics)
        try await queue.enqueue([try noopJob(), try noopJob(), try noopJob(), try noopJob(notAfter: clock.now() + 1)])
        try await queue.enqueue(try noopJob(kind: "other"))
        clock.advance(by: 1)
        _ = try await pool.processDueJobs()
        #expect(metrics.deliveries.value(["noop", "delivered"]) == 1)
        #expect(metrics.deliveries.value(["noop", "retried"]) == 1)
        #expect(metrics.deliveries.value(["noop", "failed"]) == 1)
        #expect(metrics.deliveries.value(["noop", "expired"]) == 1)
        #expect(metrics.deliveries.value(["other", "failed"]) == 1)
        let text = await registry.render()
        #expect(text.contains("mandate_jobs_queued 1"))
        #expect(text.contains("mandate_jobs_oldest_queued_age_seconds 0"))
        #expect(text.contains(#"mandate_job_deliveries_total{kind="noop",outcome="delivered"} 1"#))
    }
}
