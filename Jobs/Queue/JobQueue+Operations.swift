import Foundation
import Lifecycle
public import MandateCore
import SQLite
import Storage

/// What the `mandate jobs …` commands and the metrics need.
extension JobQueue {
    /// Counts by state and kind, and the age of the most overdue queued job.
    ///
    /// Counting reads the whole table (finished jobs included); purge old jobs to keep it quick.
    public func stats() async throws(JobQueueError) -> JobQueueStats {
        let clock = self.clock
        do {
            return try await database.read { connection in
                var stats = JobQueueStats(countsByState: [:], countsByKind: [:], oldestQueuedAge: nil)
                for state in JobState.allCases { stats.countsByState[state] = 0 }
                for row in try connection.query("SELECT kind, state, count(*) FROM jobs GROUP BY kind, state") {
                    guard let state = JobState(rawValue: try row.decode(1, as: String.self)) else { continue }
                    let count: Int = try row.decode(2)
                    stats.countsByState[state, default: 0] += count
                    stats.countsByKind[try row.decode(0, as: String.self), default: [:]][state] = count
                }
                stats.oldestQueuedAge = try Self.oldestDueAge(on: connection, now: clock.now())
                return stats
            }
        } catch {
            throw .wrapping(error, while: "cannot read queue statistics")
        }
    }

    /// The number of queued jobs and the age of the most overdue one: the cheap part of
    /// ``stats()``, read through the partial claim index, for every metrics scrape.
    public func depth() async throws(JobQueueError) -> (queued: Int, oldestQueuedAge: Duration?) {
        let clock = self.clock
        do {
            return try await database.read { connection in
                let queued: Int =
                    try connection.queryOne("SELECT count(*) FROM jobs WHERE state = 'queued'")?
                    .decode(0) ?? 0
                return (queued, try Self.oldestDueAge(on: connection, now: clock.now()))
            }
        } catch {
            throw .wrapping(error, while: "cannot read the queue depth")
        }
    }

    private static func oldestDueAge(on connection: Connection, now: Date) throws -> Duration? {
        let oldest = try connection.queryOne(
            "SELECT min(run_at) FROM jobs WHERE state = 'queued' AND run_at <= ?", now)?
            .decode(0, as: Date?.self)
        return oldest.map { .seconds(max(0, now.timeIntervalSince($0))) }
    }

    /// Jobs newest first, optionally of one state and/or kind; at most `limit` (1…1000).
    public func list(state: JobState? = nil, kind: String? = nil, limit: Int = 50) async throws(JobQueueError)
        -> [JobRecord]
    {
        var conditions: [String] = []
        var parameters: [any SQLBindable] = []
        if let state {
            conditions.append("state = ?")
            parameters.append(state.rawValue)
        }
        if let kind {
            conditions.append("kind = ?")
            parameters.append(kind)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters.append(min(max(limit, 1), 1000))
        let sql = "SELECT \(JobRecord.columns) FROM jobs \(filter) ORDER BY id DESC LIMIT ?"
        let boundParameters = parameters.map(\.sqlValue)
        do {
            return try await database.read { connection in
                try connection.query(sql, parameters: boundParameters).map(JobRecord.init(row:))
            }
        } catch {
            throw .wrapping(error, while: "cannot list jobs")
        }
    }

    /// The job `id`, or nil.
    public func show(id: Int64) async throws(JobQueueError) -> JobRecord? {
        do {
            return try await database.read { connection in
                try connection.queryOne("SELECT \(JobRecord.columns) FROM jobs WHERE id = ?", id).map(JobRecord.init)
            }
        } catch {
            throw .wrapping(error, while: "cannot read job \(id)")
        }
    }

    /// Puts a dead job back in the queue, due now, with its attempts reset (its last error is
    /// kept until the next attempt replaces it). Then pokes `notifier`.
    ///
    /// - Throws: ``JobQueueError`` `notFound`, or `invalidState` when the job is not dead.
    public func retry(id: Int64, notifier: JobNotifier? = nil) async throws(JobQueueError) {
        try await retryDead(id: id, tenantID: nil, notifier: notifier)
    }

    /// The retry of ``retry(id:notifier:)``, limited to the jobs of `tenantID` when it is given
    /// (another tenant's job is `notFound`). Its `notAfter` is kept: a retried SMS whose code has
    /// expired is dead-lettered as `expired` by the next claim instead of being delivered.
    func retryDead(id: Int64, tenantID: String?, notifier: JobNotifier?) async throws(JobQueueError) {
        let clock = self.clock
        let tenantFilter = tenantID == nil ? "" : " AND tenant_id = ?"
        let tenantParameters: [SQLValue] = tenantID.map { [$0.sqlValue] } ?? []
        do {
            try await database.write { connection in
                let now = clock.now()
                let changed = try connection.run(
                    """
                    UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?, dead_reason = NULL,
                        finished_at = NULL, updated_at = ?
                    WHERE id = ? AND state = 'dead'\(tenantFilter)
                    """, parameters: [now.sqlValue, now.sqlValue, id.sqlValue] + tenantParameters)
                guard changed == 0 else { return }
                guard
                    let row = try connection.queryOne(
                        "SELECT state FROM jobs WHERE id = ?\(tenantFilter)",
                        parameters: [id.sqlValue] + tenantParameters)
                else {
                    throw JobQueueError(.notFound, "no job has id \(id)")
                }
                let state = try row.decode(0, as: String.self)
                throw JobQueueError(.invalidState, "job \(id) is \(state); only dead jobs can be retried")
            }
            notifier?.notify()
        } catch {
            throw .wrapping(error, while: "cannot retry job \(id)")
        }
    }

    /// Deletes dead jobs that finished more than `age` ago; returns how many.
    @discardableResult
    public func purgeDead(olderThan age: Duration) async throws(JobQueueError) -> Int {
        try await purge(state: .dead, olderThan: age)
    }

    /// Deletes succeeded jobs that finished more than `age` ago (their payloads may hold codes
    /// and addresses that need not be kept); returns how many.
    @discardableResult
    public func purgeSucceeded(olderThan age: Duration) async throws(JobQueueError) -> Int {
        try await purge(state: .succeeded, olderThan: age)
    }

    private func purge(state: JobState, olderThan age: Duration) async throws(JobQueueError) -> Int {
        let clock = self.clock
        do {
            return try await database.write { connection in
                let cutoff = clock.now().addingTimeInterval(-age.timeInterval)
                return try connection.run(
                    "DELETE FROM jobs WHERE state = ? AND finished_at < ?", state.rawValue, cutoff)
            }
        } catch {
            throw .wrapping(error, while: "cannot purge \(state.rawValue) jobs")
        }
    }
}
