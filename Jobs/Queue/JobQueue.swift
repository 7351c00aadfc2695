import Foundation
public import Lifecycle
public import MandateCore
import SQLite
public import Storage

/// The durable job queue on the `jobs` table: claiming with leases, completing in batches,
/// reaping expired leases, and the operations the CLI needs.
///
/// Several workers, in one process or several, never claim the same job while its lease is
/// valid: on SQLite every write goes through the database's one writer (`BEGIN IMMEDIATE`); on
/// PostgreSQL claims and completions run `READ COMMITTED`, claims locking the rows they take and
/// skipping locked ones (`FOR UPDATE SKIP LOCKED`, see
/// ``claim(owner:limit:leaseDuration:handlers:housekeeping:)``), completions fenced on the lease
/// in their `WHERE`. Delivery is at least once: a worker that dies holding a job leaves it
/// `running` until its lease expires, when the next claim (of any worker) takes it back. A live
/// worker renews the leases of the jobs it runs (``extendLeases(_:leaseDuration:)``).
///
/// All times come from the injected clock, so tests can move time.
public final class JobQueue: Sendable {
    /// The database holding the `jobs` table.
    public let database: Database
    /// The source of "now".
    public let clock: any WallClock

    /// A queue on `database` (migrated with ``OutboxSchema/migrations``).
    public init(database: Database, clock: any WallClock = SystemClock()) {
        self.database = database
        self.clock = clock
    }

    /// Enqueues `job` in its own transaction, then pokes `notifier`. Services that change state
    /// call ``Outbox/enqueue(_:on:now:)`` inside their own transaction instead.
    ///
    /// - Returns: the job id, or nil when its idempotency key already exists.
    @discardableResult
    public func enqueue(_ job: NewJob, notifier: JobNotifier? = nil) async throws(JobQueueError) -> Int64? {
        let ids = try await enqueue([job], notifier: notifier)
        return ids[0]
    }

    /// Enqueues `jobs` in one transaction (all or nothing), then pokes `notifier` once.
    ///
    /// - Returns: each job's id, or nil for a job whose idempotency key already existed.
    @discardableResult
    public func enqueue(_ jobs: [NewJob], notifier: JobNotifier? = nil) async throws(JobQueueError) -> [Int64?] {
        let clock = self.clock
        do {
            let ids = try await database.write { connection in
                let now = clock.now()
                return try jobs.map { job in try Outbox.enqueue(job, on: connection, now: now) }
            }
            notifier?.notify()
            return ids
        } catch {
            throw .wrapping(error, while: "cannot enqueue \(jobs.count) job(s)")
        }
    }
}
