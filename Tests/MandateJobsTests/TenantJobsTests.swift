import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage
import Testing

/// The tenant-scoped operations behind the dashboard's jobs page: one tenant never sees or
/// retries another's jobs.
@Suite("Queue engine: one tenant's jobs")
struct TenantJobsTests {
    let temp: TemporaryDatabase
    let clock = ManualClock()
    let queue: JobQueue

    init() throws {
        temp = try TemporaryDatabase()
        queue = JobQueue(database: temp.database, clock: clock)
    }

    func job(_ tenantID: String) throws -> NewJob {
        try NewJob(kind: "noop", payloadJSON: Array("{}".utf8), tenantID: tenantID)
    }

    @Test("stats, lists and retry are limited to the tenant")
    func scoped() async throws {
        // Job ids: 1 and 2 for t1 (one fails for good, one will be retried later), 3 for t2 (fails).
        try await queue.enqueue([try job("t1"), try job("t1"), try job("t2")])
        let handler = ScriptedHandler { job in
            job.id == 2 ? .retry(after: nil, error: "try again") : .failed(error: "no")
        }
        let pool = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([handler]),
            configuration: .init(concurrency: 4, claimBatchSize: 10, ownerID: "w1"),
            logger: capturingLogger(CapturingLogSink(), clock: clock))
        _ = try await pool.processDueJobs()

        let stats = try await queue.stats(tenantID: "t1")
        #expect(stats.countsByState == [.queued: 1, .running: 0, .succeeded: 0, .dead: 1])
        #expect(stats.retrying == 1)
        #expect(try await queue.stats(tenantID: "t3").countsByState[.dead] == 0)
        #expect(try await queue.list(tenantID: "t1", selection: .state(.dead)).map(\.id) == [1])
        #expect(try await queue.list(tenantID: "t1", selection: .retrying).map(\.id) == [2])
        #expect(try await queue.list(tenantID: "t2", selection: .retrying).isEmpty)

        await #expect { try await queue.retry(id: 3, tenantID: "t1") } throws: {
            ($0 as? JobQueueError)?.reason == .notFound
        }
        #expect(try await queue.show(id: 3)?.state == .dead)
        await #expect { try await queue.retry(id: 2, tenantID: "t1") } throws: {
            ($0 as? JobQueueError)?.reason == .invalidState
        }
        try await queue.retry(id: 1, tenantID: "t1")
        let retried = try #require(try await queue.show(id: 1))
        #expect(retried.state == .queued && retried.attempts == 0 && retried.deadReason == nil)
        try await queue.retry(id: 3, tenantID: "t2")
        #expect(try await queue.show(id: 3)?.state == .queued)
    }
}
