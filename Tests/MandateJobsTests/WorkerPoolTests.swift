import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import Storage
import Synchronization
import Testing

@Suite("Worker pool as a service: wake-ups, draining, releasing")
struct WorkerPoolTests {
    let temp: TemporaryDatabase
    let queue: JobQueue
    let notifier = JobNotifier()
    let logs = CapturingLogSink()

    init() throws {
        temp = try TemporaryDatabase()
        queue = JobQueue(database: temp.database)
    }

    func makePool(_ handler: ScriptedHandler, deadline: Duration = .seconds(5)) throws -> WorkerPool {
        try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([handler]), notifier: notifier,
            // A long poll interval: only the notifier can explain a quick pick-up.
            configuration: .init(concurrency: 4, pollInterval: .seconds(30), shutdownDeadline: deadline, ownerID: "w1"),
            logger: capturingLogger(logs))
    }

    @Test("an in-process enqueue wakes an idle pool at once through the notifier")
    func notifierWakesPool() async throws {
        let handler = ScriptedHandler()
        let pool = try makePool(handler)
        let running = Task { try await pool.run() }
        try await Task.sleep(for: .milliseconds(100))  // let it go idle
        let started = ContinuousClock.now
        try await queue.enqueue(try noopJob(), notifier: notifier)
        #expect(await eventually(timeout: .seconds(5)) { handler.jobs.count == 1 })
        #expect(started.duration(to: .now) < .seconds(5))
        #expect(await eventually { (try? await queue.stats().countsByState[.succeeded]) == 1 })
        await pool.shutdown()
        try await running.value
        await #expect(throws: JobQueueError.self) { try await pool.run() }
    }

    @Test("shutdown lets running jobs finish within the deadline")
    func gracefulShutdown() async throws {
        let handler = ScriptedHandler { _ in
            try? await Task.sleep(for: .milliseconds(300))
            return .succeeded
        }
        let pool = try makePool(handler)
        try await queue.enqueue([try noopJob(), try noopJob()], notifier: nil)
        let running = Task { try await pool.run() }
        #expect(await eventually { handler.jobs.count == 2 })
        await pool.shutdown()
        try await running.value
        let stats = try await queue.stats()
        #expect(stats.countsByState[.succeeded] == 2)
        #expect(!logs.lines.contains { $0.contains("\"level\":\"error\"") })
    }

    @Test("past the deadline, running jobs are released: back to queued, attempt not counted")
    func releaseAtDeadline() async throws {
        let handler = ScriptedHandler { _ in
            // Ignores nothing: returns as soon as its task is cancelled.
            try? await Task.sleep(for: .seconds(60))
            return .succeeded
        }
        let pool = try makePool(handler, deadline: .milliseconds(200))
        let id = try #require(try await queue.enqueue(try noopJob()))
        let running = Task { try await pool.run() }
        #expect(await eventually { handler.jobs.count == 1 })
        let started = ContinuousClock.now
        await pool.shutdown()
        try await running.value
        #expect(started.duration(to: .now) < .seconds(10))
        let job = try #require(try await queue.show(id: id))
        #expect(job.state == .queued && job.attempts == 0 && job.leaseOwner == nil)
        #expect(logs.lines.contains { $0.contains("releasing running jobs") })
    }

    @Test("many jobs through the running pool: each handled once, all succeeded")
    func throughput() async throws {
        let handler = ScriptedHandler()
        let pool = try makePool(handler)
        let running = Task { try await pool.run() }
        for _ in 0..<10 {
            var jobs: [NewJob] = []
            for _ in 0..<50 { jobs.append(try noopJob()) }
            try await queue.enqueue(jobs, notifier: notifier)
        }
        #expect(await eventually { (try? await queue.stats().countsByState[.succeeded]) == 500 })
        await pool.shutdown()
        try await running.value
        #expect(Set(handler.jobs.map(\.id)).count == 500 && handler.jobs.count == 500)
    }

    @Test("a job running for four leases is renewed, not taken back: another pool never runs it, nothing is lost")
    func leaseRenewal() async throws {
        let handler = ScriptedHandler { _ in
            try? await Task.sleep(for: .milliseconds(1600))
            return .succeeded
        }
        let lease: Duration = .milliseconds(400)
        let slow = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([handler]),
            configuration: .init(
                concurrency: 1, pollInterval: .milliseconds(20), leaseDuration: lease, ownerID: "slow"),
            logger: capturingLogger(logs))
        // The other pool claims (and reaps expired leases) every 20 ms: without renewal it would
        // take the job back after 400 ms and run it a second time.
        let other = ScriptedHandler()
        let watcher = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([other]),
            configuration: .init(
                concurrency: 1, pollInterval: .milliseconds(20), leaseDuration: lease, ownerID: "watcher"),
            logger: capturingLogger(logs))
        let id = try #require(try await queue.enqueue(try noopJob()))
        let runningSlow = Task { try await slow.run() }
        #expect(await eventually { handler.jobs.count == 1 })
        let runningWatcher = Task { try await watcher.run() }
        #expect(await eventually { (try? await queue.stats().countsByState[.succeeded]) == 1 })
        for pool in [slow, watcher] { await pool.shutdown() }
        try await runningSlow.value
        try await runningWatcher.value
        #expect(handler.jobs.count == 1)
        #expect(other.jobs.isEmpty)
        let job = try #require(try await queue.show(id: id))
        #expect(job.state == .succeeded && job.attempts == 1)
        #expect(!logs.lines.contains { $0.contains("lease") && $0.contains("\"level\":\"warning\"") })
    }

    @Test("a lease another worker took back while the job ran is logged once, and the late result is dropped")
    func lostLeaseIsReported() async throws {
        let handler = ScriptedHandler { _ in
            try? await Task.sleep(for: .milliseconds(1200))
            return .succeeded
        }
        let pool = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([handler]),
            configuration: .init(
                concurrency: 1, pollInterval: .milliseconds(20), leaseDuration: .milliseconds(300), ownerID: "slow"),
            logger: capturingLogger(logs))
        let id = try #require(try await queue.enqueue(try noopJob()))
        let running = Task { try await pool.run() }
        #expect(await eventually { handler.jobs.count == 1 })
        // What a reclaim by another worker leaves behind: a new owner and the next attempt.
        try await temp.database.write { connection in
            try connection.run("UPDATE jobs SET lease_owner = 'thief', attempts = attempts + 1 WHERE id = ?", id)
        }
        // Shutting down waits for the job, which runs on for about ten renewal rounds (every
        // 100 ms) after the theft.
        await pool.shutdown()
        try await running.value
        let lost = logs.lines.filter { $0.contains("the lease of a running job was lost") }
        #expect(lost.count == 1, "\(lost)")
        #expect(logs.lines.contains { $0.contains("a job result was dropped: its lease was lost") })
        let job = try #require(try await queue.show(id: id))
        #expect(job.state == .running && job.attempts == 2)
    }
}
