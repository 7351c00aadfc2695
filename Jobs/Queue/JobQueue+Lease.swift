import Foundation
import Lifecycle
import Storage

extension JobQueue {
    /// Extends the leases of `jobs`, still running under the claims they were given, to `now +
    /// leaseDuration`: a worker calls it while the jobs run, so that a job outliving its first
    /// lease is not taken back and run a second time while its worker is alive. Fenced like a
    /// completion (owner, attempt, `running`): a lease already taken back stays lost. Returns the
    /// jobs whose lease was extended.
    public func extendLeases(
        _ jobs: [ClaimedJob], leaseDuration: Duration
    ) async throws(JobQueueError) -> [ClaimedJob] {
        guard !jobs.isEmpty else { return [] }
        let clock = self.clock
        do {
            return try await database.write(isolation: .readCommitted) { connection in
                let now = clock.now()
                let expiresAt = now.adding(leaseDuration)
                var extended: [ClaimedJob] = []
                for job in jobs {
                    let changed = try connection.run(
                        """
                        UPDATE jobs SET lease_expires_at = ?, updated_at = ?
                        WHERE id = ? AND state = 'running' AND lease_owner = ? AND attempts = ?
                        """, expiresAt, now, job.id, job.leaseOwner, job.attempt)
                    if changed > 0 { extended.append(job) }
                }
                return extended
            }
        } catch {
            throw .wrapping(error, while: "cannot extend the leases of \(jobs.count) job(s)")
        }
    }
}
