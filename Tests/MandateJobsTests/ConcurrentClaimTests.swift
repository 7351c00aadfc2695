import DatabaseTestSupport
import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage
import Synchronization
import Testing

/// Claimers on two `Database` instances, two connection pools as two processes would have: on
/// PostgreSQL they claim at the same time (`FOR UPDATE SKIP LOCKED`), on SQLite one at a time.
@Suite("Queue engine: concurrent claimers in two processes")
struct ConcurrentClaimTests {
    /// Every job a claimer took, with the owner it was leased to.
    final class Claims: Sendable {
        private let claims = Mutex<[(id: Int64, owner: String)]>([])
        func record(_ jobs: [ClaimedJob]) { claims.withLock { $0 += jobs.map { ($0.id, $0.leaseOwner) } } }
        var all: [(id: Int64, owner: String)] { claims.withLock { $0 } }
    }

    @Test("two processes claiming and completing at once never claim the same job")
    func neverTheSameJob() async throws {
        let temp = try TemporaryDatabase()
        let first = try temp.scratch.open(connections: 4)
        let second = try temp.scratch.open(connections: 4)
        defer {
            first.close()
            second.close()
        }
        let total = 600
        try await JobQueue(database: temp.database).enqueue((0..<total).map { _ in try noopJob() })
        let claims = Claims()
        // Four claimers per process, five jobs at a time, completing each batch before the next.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (process, database) in [first, second].enumerated() {
                let queue = JobQueue(database: database)
                for claimer in 0..<4 {
                    group.addTask {
                        let owner = "process-\(process)-claimer-\(claimer)"
                        while true {
                            let batch = try await queue.claim(
                                owner: owner, limit: 5, leaseDuration: .seconds(300), handlers: .empty)
                            guard !batch.jobs.isEmpty else { return }
                            claims.record(batch.jobs)
                            let report = try await queue.complete(
                                batch.jobs.map { JobCompletion(job: $0, resolution: .succeeded) }, handlers: .empty)
                            #expect(report.applied.allSatisfy { $0 })
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let ids = claims.all.map(\.id)
        #expect(ids.count == total, "claimed \(ids.count) times for \(total) jobs")
        #expect(Set(ids).count == total)
        #expect(Set(claims.all.map(\.owner)).count > 1, "one claimer took everything")
        let stats = try await JobQueue(database: temp.database).stats()
        #expect(stats.countsByState == [.queued: 0, .running: 0, .succeeded: total, .dead: 0])
        let attempts = try await temp.database.read { connection in
            try connection.queryOne("SELECT max(attempts) FROM jobs")?.decode(0, as: Int.self)
        }
        #expect(attempts == 1)
    }

    @Test("two processes reaping the same expired leases at once take each job back once")
    func reapingOnce() async throws {
        let temp = try TemporaryDatabase()
        let second = try temp.openAnother()
        defer { second.close() }
        let clock = ManualClock()
        let queues = [JobQueue(database: temp.database, clock: clock), JobQueue(database: second, clock: clock)]
        // Half the jobs have attempts left (taken back), half are on their last (exhausted).
        let count = 100
        try await queues[0].enqueue((0..<count).map { index in try noopJob(maxAttempts: index % 2 == 0 ? 3 : 1) })
        let doomed = try await queues[0].claim(
            owner: "doomed", limit: count, leaseDuration: .seconds(10), handlers: .empty)
        #expect(doomed.jobs.count == count)
        clock.advance(by: 10)

        let batches = try await withThrowingTaskGroup(of: ClaimBatch.self) { group in
            for (index, queue) in queues.enumerated() {
                group.addTask {
                    try await queue.claim(
                        owner: "survivor-\(index)", limit: count, leaseDuration: .seconds(60), handlers: .empty)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let exhausted = batches.flatMap(\.exhausted).map(\.id)
        #expect(exhausted.count == count / 2 && Set(exhausted).count == count / 2)
        #expect(batches.map(\.reclaimedCount).reduce(0, +) == count / 2)
        // The jobs taken back are claimed again, each by one survivor, on their second attempt.
        var reclaimed = batches.flatMap(\.jobs)
        if reclaimed.count < count / 2 {
            reclaimed += try await queues[0].claim(
                owner: "survivor-0", limit: count, leaseDuration: .seconds(60), handlers: .empty
            ).jobs
        }
        #expect(reclaimed.count == count / 2 && Set(reclaimed.map(\.id)).count == count / 2)
        #expect(reclaimed.allSatisfy { $0.attempt == 2 })
        #expect(Set(reclaimed.map(\.id)).isDisjoint(with: exhausted))
    }
}
