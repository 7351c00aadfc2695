import Foundation
public import MandateCore
import SQLite
import Storage

/// What the dashboard's jobs page shows an organization: only the jobs enqueued for it (the
/// `tenant_id` column), never anyone else's, and never a payload (callers render ``JobRecord``
/// fields other than `payload` only).
extension JobQueue {
    /// Counts of one tenant's jobs.
    public struct TenantStats: Sendable, Hashable {
        /// Jobs per state (every state present, zero when none).
        public var countsByState: [JobState: Int]
        /// Queued jobs that have already failed at least once and wait for their next attempt.
        public var retrying: Int
    }

    /// Counts `tenantID`'s jobs by state, and those waiting to be retried.
    ///
    /// There is no index on `tenant_id`: this reads the whole table, like ``stats()``; purging old
    /// jobs keeps it quick.
    public func stats(tenantID: String) async throws(JobQueueError) -> TenantStats {
        do {
            return try await database.read { connection in
                var stats = TenantStats(countsByState: [:], retrying: 0)
                for state in JobState.allCases { stats.countsByState[state] = 0 }
                let rows = try connection.query(
                    "SELECT state, count(*) FROM jobs WHERE tenant_id = ? GROUP BY state", tenantID)
                for row in rows {
                    guard let state = JobState(rawValue: try row.decode(0, as: String.self)) else { continue }
                    stats.countsByState[state] = try row.decode(1, as: Int.self)
                }
                stats.retrying =
                    try connection.queryOne(
                        "SELECT count(*) FROM jobs WHERE tenant_id = ? AND \(Self.retryingCondition)", tenantID)?
                    .decode(0, as: Int.self) ?? 0
                return stats
            }
        } catch {
            throw .wrapping(error, while: "cannot count the jobs of a tenant")
        }
    }

    /// Which of a tenant's jobs ``list(tenantID:selection:limit:)`` returns.
    public enum TenantSelection: Sendable, Hashable {
        /// Jobs in this state.
        case state(JobState)
        /// Queued jobs that failed at least once (attempts made and a last error) and wait for
        /// their next attempt.
        case retrying
    }

    /// `tenantID`'s jobs newest first, at most `limit` (1…1000).
    public func list(tenantID: String, selection: TenantSelection, limit: Int = 50) async throws(JobQueueError)
        -> [JobRecord]
    {
        let condition: String
        var parameters: [SQLValue] = [tenantID.sqlValue]
        switch selection {
        case .state(let state):
            condition = "state = ?"
            parameters.append(state.rawValue.sqlValue)
        case .retrying:
            condition = Self.retryingCondition
        }
        parameters.append(min(max(limit, 1), 1000).sqlValue)
        let sql = "SELECT \(JobRecord.columns) FROM jobs WHERE tenant_id = ? AND \(condition) ORDER BY id DESC LIMIT ?"
        let bound = parameters
        do {
            return try await database.read { connection in
                try connection.query(sql, parameters: bound).map(JobRecord.init(row:))
            }
        } catch {
            throw .wrapping(error, while: "cannot list the jobs of a tenant")
        }
    }

    /// Retries `tenantID`'s dead job `id` (the same update as ``retry(id:notifier:)``).
    ///
    /// - Throws: ``JobQueueError`` `notFound` (also for another tenant's job), or `invalidState`
    ///   when the job is not dead.
    public func retry(id: Int64, tenantID: String, notifier: JobNotifier? = nil) async throws(JobQueueError) {
        try await retryDead(id: id, tenantID: tenantID, notifier: notifier)
    }

    /// A queued job that has failed before and waits for its next attempt.
    static let retryingCondition = "state = 'queued' AND attempts > 0 AND last_error IS NOT NULL"
}
