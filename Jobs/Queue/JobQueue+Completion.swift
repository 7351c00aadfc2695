import Foundation
import Lifecycle
import SQLite
import Storage

extension JobQueue {
    /// The longest error text kept in `last_error`; longer texts are cut (a gateway that answers
    /// with a whole HTML page must not bloat the table).
    static let maximumErrorLength = 2000

    /// Writes back the resolutions of several jobs in one transaction (one commit for the whole
    /// batch is what makes high throughput possible).
    ///
    /// Each update is fenced on the lease it was claimed under (owner and attempt number): if the
    /// lease expired and another worker took the job meanwhile, the stale result is dropped and
    /// reported as not applied; the other worker's result will count.
    ///
    /// On PostgreSQL the transaction is `READ COMMITTED`: the fence is in each `UPDATE`'s `WHERE`,
    /// which PostgreSQL re-checks on the row's latest version after waiting for any transaction
    /// holding it, so a stale result is dropped without serialization failures between the
    /// batches of concurrent workers (under `SERIALIZABLE` their updates of neighbouring rows of
    /// one index page conflict and would be retried over and over).
    public func complete(
        _ completions: [JobCompletion], handlers: JobHandlerRegistry
    ) async throws(JobQueueError) -> CompletionReport {
        guard !completions.isEmpty else { return CompletionReport() }
        let clock = self.clock
        do {
            return try await database.write(isolation: .readCommitted) { connection in
                let now = clock.now()
                var report = CompletionReport()
                report.applied.reserveCapacity(completions.count)
                for completion in completions {
                    let applied = try Self.apply(completion, on: connection, now: now)
                    report.applied.append(applied)
                    if applied, let finished = completion.finishedJob {
                        Self.runFinishHook(
                            for: finished, handlers: handlers, on: connection, now: now, errors: &report.hookErrors)
                    }
                }
                return report
            }
        } catch {
            throw .wrapping(error, while: "cannot record the results of \(completions.count) job(s)")
        }
    }

    private static func apply(_ completion: JobCompletion, on connection: Connection, now: Date) throws -> Bool {
        let job = completion.job
        let changed: Int
        switch completion.resolution {
        case .succeeded:
            changed = try connection.run(
                """
                UPDATE jobs SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL,
                    finished_at = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                """, now, now, job.id, job.leaseOwner, job.attempt)
        case .retry(let runAt, let error):
            changed = try connection.run(
                """
                UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, lease_owner = NULL,
                    lease_expires_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                """, runAt, truncated(error), now, job.id, job.leaseOwner, job.attempt)
        case .dead(let reason, let error):
            changed = try connection.run(
                """
                UPDATE jobs SET state = 'dead', dead_reason = ?, last_error = ?, lease_owner = NULL,
                    lease_expires_at = NULL, finished_at = ?, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                """, reason.rawValue, truncated(error), now, now, job.id, job.leaseOwner, job.attempt)
        case .release:
            // The attempt is given back: a shutdown is not the job's fault.
            changed = try connection.run(
                """
                UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_owner = NULL,
                    lease_expires_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                """, now, job.id, job.leaseOwner, job.attempt)
        }
        return changed == 1
    }

    static func truncated(_ error: String) -> String {
        guard error.count > maximumErrorLength else { return error }
        return String(error.prefix(maximumErrorLength)) + "…"
    }
}

extension JobCompletion {
    /// The job as its finish hook sees it, when this completion finishes it.
    var finishedJob: FinishedJob? {
        switch resolution {
        case .succeeded:
            FinishedJob(id: job.id, kind: job.kind, state: .succeeded, deadReason: nil, error: nil)
        case .dead(let reason, let error):
            FinishedJob(
                id: job.id, kind: job.kind, state: .dead, deadReason: reason, error: JobQueue.truncated(error))
        case .retry, .release:
            nil
        }
    }
}
