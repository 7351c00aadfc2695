import Foundation
import Glibc

extension WorkerPool {
    /// How a worker pool claims and runs jobs.
    public struct Configuration: Sendable {
        /// Jobs running at once. Keep it at or below the HTTP client's
        /// `maximumConcurrentRequests` (16 by default), so a delivery never waits in the client's
        /// queue after its deadline check.
        public var concurrency: Int
        /// The most jobs leased by one claim.
        public var claimBatchSize: Int
        /// How often an idle pool looks for work it was not told about: jobs enqueued by another
        /// process, retries coming due, expired leases. In-process enqueues wake it at once
        /// through the ``MandateCore/JobNotifier``.
        public var pollInterval: Duration
        /// How long a claimed job stays leased. While ``WorkerPool/run()`` runs, it renews the
        /// leases of its running jobs every third of this, so a job may take longer while its
        /// worker lives; the lease bounds how long the jobs of a worker that died (or stalled for
        /// longer than a lease) wait before another worker takes them back and runs them again.
        /// ``WorkerPool/processDueJobs()`` does not renew: there an attempt must end within it.
        public var leaseDuration: Duration
        /// On shutdown, how long running jobs may take to finish before they are released back
        /// to the queue (attempt not counted) and their tasks cancelled.
        public var shutdownDeadline: Duration
        /// The pause after a failed claim or result write before trying again.
        public var errorBackoff: Duration
        /// The lease owner recorded on claimed jobs; unique per pool.
        public var ownerID: String

        /// Creates a configuration; the defaults suit webhook delivery.
        public init(
            concurrency: Int = 16, claimBatchSize: Int = 64, pollInterval: Duration = .seconds(1),
            leaseDuration: Duration = .seconds(60), shutdownDeadline: Duration = .seconds(20),
            errorBackoff: Duration = .milliseconds(250), ownerID: String = WorkerPool.makeOwnerID()
        ) {
            self.concurrency = concurrency
            self.claimBatchSize = claimBatchSize
            self.pollInterval = pollInterval
            self.leaseDuration = leaseDuration
            self.shutdownDeadline = shutdownDeadline
            self.errorBackoff = errorBackoff
            self.ownerID = ownerID
        }

        func validate() throws(JobQueueError) {
            guard concurrency >= 1, claimBatchSize >= 1 else {
                throw JobQueueError(.invalidConfiguration, "worker concurrency and claim batch size must be at least 1")
            }
            guard leaseDuration > .zero, pollInterval > .zero, shutdownDeadline >= .zero, errorBackoff >= .zero
            else {
                throw JobQueueError(
                    .invalidConfiguration, "lease duration and poll interval must be positive, other durations ≥ 0")
            }
            guard !ownerID.isEmpty else {
                throw JobQueueError(.invalidConfiguration, "a worker pool needs an owner id")
            }
        }
    }

    /// `<host>:<pid>:<random>`: tells operators which process holds a lease, and differs
    /// between two pools of one process.
    public static func makeOwnerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host):\(getpid()):\(random)"
    }
}
