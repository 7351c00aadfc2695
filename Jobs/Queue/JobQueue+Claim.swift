import Foundation
import Lifecycle
import SQLite
import Storage

extension JobQueue {
    /// Leases up to `limit` due jobs to `owner` for `leaseDuration`, in priority order, with one
    /// `UPDATE … RETURNING` that counts the attempt. A job whose `notAfter` has passed is never
    /// leased, whatever `housekeeping` says.
    ///
    /// With `housekeeping` (the default), the same write transaction first:
    /// 1. takes back running jobs whose lease has expired (their worker died): queued again, or
    ///    dead-lettered as `exhausted` when that was their last attempt;
    /// 2. dead-letters queued jobs whose `notAfter` has passed as `expired`.
    /// Handlers of jobs finished by these passes get
    /// ``JobFinishObserver/jobDidFinish(_:on:now:)`` in the same transaction. A busy worker pool
    /// runs them a few times a second rather than with every claim.
    ///
    /// On SQLite the single writer runs the claims of every process one at a time. On PostgreSQL,
    /// where several processes claim at once, the transaction is `READ COMMITTED` and each pass
    /// picks its rows `FOR UPDATE SKIP LOCKED` (``SQLDialect/whereSkippingLocked(_:table:key:)``):
    /// concurrent claimers lock and take different jobs, passing over the ones another holds,
    /// without waiting or failing serialization; a row another transaction changed in the meantime
    /// is re-checked on its latest version, so a job is leased, reaped or expired by one of them
    /// only.
    public func claim(
        owner: String, limit: Int, leaseDuration: Duration, handlers: JobHandlerRegistry, housekeeping: Bool = true
    ) async throws(JobQueueError) -> ClaimBatch {
        guard limit > 0 else { return ClaimBatch() }
        let clock = self.clock
        do {
            return try await database.write(isolation: .readCommitted) { connection in
                let now = clock.now()
                var batch = ClaimBatch()
                if housekeeping {
                    try Self.reapExpiredLeases(on: connection, now: now, handlers: handlers, into: &batch)
                    try Self.expireOverdueJobs(on: connection, now: now, handlers: handlers, into: &batch)
                }
                batch.jobs = try Self.leaseDueJobs(
                    on: connection, owner: owner, limit: limit, leaseExpiresAt: now.adding(leaseDuration), now: now)
                return batch
            }
        } catch {
            throw .wrapping(error, while: "cannot claim jobs")
        }
    }

    private static func reapExpiredLeases(
        on connection: Connection, now: Date, handlers: JobHandlerRegistry, into batch: inout ClaimBatch
    ) throws {
        let exhausted = try connection.query(
            """
            UPDATE jobs SET state = 'dead', dead_reason = 'exhausted',
                last_error = 'the lease of ' || coalesce(lease_owner, '?') || ' expired during the last of '
                    || max_attempts || ' attempt(s) (did the worker die?)'
                    || coalesce('; previous error: ' || last_error, ''),
                lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ?
            \(connection.dialect.whereSkippingLocked(
                "state = 'running' AND lease_expires_at <= ? AND attempts >= max_attempts", table: "jobs"))
            RETURNING id, kind, last_error
            """, now, now, now)
        for row in exhausted {
            let job = FinishedJob(
                id: try row.decode(0), kind: try row.decode(1), state: .dead, deadReason: .exhausted,
                error: try row.decode(2))
            batch.exhausted.append(job)
            runFinishHook(for: job, handlers: handlers, on: connection, now: now, errors: &batch.hookErrors)
        }
        batch.reclaimedCount = try connection.run(
            """
            UPDATE jobs SET state = 'queued',
                last_error = 'the lease of ' || coalesce(lease_owner, '?') || ' expired (did the worker die?)',
                lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
            \(connection.dialect.whereSkippingLocked("state = 'running' AND lease_expires_at <= ?", table: "jobs"))
            """, now, now)
    }

    private static func expireOverdueJobs(
        on connection: Connection, now: Date, handlers: JobHandlerRegistry, into batch: inout ClaimBatch
    ) throws {
        let expired = try connection.query(
            """
            UPDATE jobs SET state = 'dead', dead_reason = 'expired',
                last_error = 'its deadline (not_after) passed before it could be delivered'
                    || coalesce('; previous error: ' || last_error, ''),
                finished_at = ?, updated_at = ?
            \(connection.dialect.whereSkippingLocked(
                "state = 'queued' AND not_after IS NOT NULL AND not_after <= ?", table: "jobs"))
            RETURNING id, kind, last_error
            """, now, now, now)
        for row in expired {
            let job = FinishedJob(
                id: try row.decode(0), kind: try row.decode(1), state: .dead, deadReason: .expired,
                error: try row.decode(2))
            batch.expired.append(job)
            runFinishHook(for: job, handlers: handlers, on: connection, now: now, errors: &batch.hookErrors)
        }
    }

    private static func leaseDueJobs(
        on connection: Connection, owner: String, limit: Int, leaseExpiresAt: Date, now: Date
    ) throws -> [ClaimedJob] {
        // The subquery walks the partial index jobs_claim in (priority, run_at, id) order; the
        // index also holds not_after, so the deadline filter needs no table lookup. On PostgreSQL
        // it locks the rows it picks and skips those another claimer has locked; a row another
        // claimer took (and committed) meanwhile is re-checked and skipped, no longer queued.
        let rows = try connection.query(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,
                updated_at = ?
            WHERE id IN (
                SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ? AND (not_after IS NULL OR not_after > ?)
                ORDER BY priority, run_at, id LIMIT ? \(connection.dialect.forUpdateSkipLocked))
            RETURNING id, kind, payload, priority, attempts, max_attempts, run_at, not_after, tenant_id,
                idempotency_key, created_at
            """, owner, leaseExpiresAt, now, now, now, limit)
        var jobs: [ClaimedJob] = []
        jobs.reserveCapacity(rows.count)
        for row in rows {
            jobs.append(
                ClaimedJob(
                    id: try row.decode(0), kind: try row.decode(1),
                    payload: Array(try row.decode(2, as: String.self).utf8),
                    priority: try row.decode(3), attempt: try row.decode(4), maxAttempts: try row.decode(5),
                    runAt: try row.decode(6), notAfter: try row.decode(7), tenantID: try row.decode(8),
                    idempotencyKey: try row.decode(9), createdAt: try row.decode(10), leaseOwner: owner,
                    leaseExpiresAt: leaseExpiresAt))
        }
        // RETURNING gives rows in no particular order (https://www.sqlite.org/lang_returning.html).
        jobs.sort { ($0.priority, $0.runAt, $0.id) < ($1.priority, $1.runAt, $1.id) }
        return jobs
    }

    /// Runs the handler's finish hook in a savepoint: a failing hook is undone and reported, and
    /// the job still finishes (a bug in bookkeeping must not wedge the queue).
    static func runFinishHook(
        for job: FinishedJob, handlers: JobHandlerRegistry, on connection: Connection, now: Date,
        errors: inout [String]
    ) {
        guard let observer = handlers.finishObserver(for: job.kind) else { return }
        do {
            try connection.savepoint("finish_hook") {
                try observer.jobDidFinish(job, on: connection, now: now)
            }
        } catch {
            errors.append("the finish hook of '\(job.kind)' failed for job \(job.id): \(error)")
        }
    }
}

extension Date {
    /// `self` moved forward by `duration`.
    func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration.timeInterval)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
