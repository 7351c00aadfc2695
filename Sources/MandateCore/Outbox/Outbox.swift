public import Foundation
import SQLite
public import Storage

/// Records side effects as `jobs` rows in the caller's transaction (the transactional outbox).
///
/// A state change and the job it implies commit together or not at all, so a crash can never
/// lose a notification nor send one for a change that rolled back (DESIGN.md §2). After the
/// transaction commits, poke the ``JobNotifier`` so in-process workers start at once.
public enum Outbox {
    /// Inserts `job` as `queued` on `connection`, inside whatever transaction the caller has open.
    ///
    /// - Returns: the new job's id, or `nil` when a job with the same idempotency key already
    ///   exists (then nothing was written).
    /// - Throws: ``OutboxError`` with reason `invalidJob` for an unusable job, `storage` when
    ///   SQLite refuses the insert.
    @discardableResult
    public static func enqueue(_ job: NewJob, on connection: Connection, now: Date) throws(OutboxError) -> Int64? {
        try job.validate(now: now)
        let payload = String(decoding: job.payload, as: UTF8.self)
        do {
            // ON CONFLICT … DO NOTHING makes a duplicate key a no-op without an error (and without
            // aborting the caller's transaction): then no row changes. Unlike INSERT OR IGNORE it
            // still reports NOT NULL and CHECK violations. The conflict target repeats the partial
            // index's condition, as SQLite requires (https://www.sqlite.org/lang_upsert.html).
            let inserted = try connection.queryOne(
                """
                INSERT INTO jobs (kind, payload, priority, state, attempts, max_attempts, run_at, not_after,
                                  idempotency_key, tenant_id, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id
                """,
                job.kind, payload, job.priority, job.maxAttempts, job.runAt ?? now, job.notAfter,
                job.idempotencyKey, job.tenantID, now, now)
            return try inserted?.decode(0, as: Int64.self)
        } catch {
            throw .storage(error, while: "cannot enqueue a '\(job.kind)' job")
        }
    }
}
