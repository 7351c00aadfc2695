import Lifecycle

extension WorkerPool {
    /// What ``processDueJobs()`` did.
    public struct ProcessingReport: Sendable {
        /// The jobs claimed and their results, in claim order.
        public var completions: [JobCompletion] = []
        /// Whether each result was written (false: the lease had been lost).
        public var applied: [Bool] = []
        /// What the claim found on the way (expired jobs, reaped leases).
        public var claim = ClaimBatch()
    }

    /// Claims one batch of due jobs, runs them (up to `concurrency` at once) and records their
    /// results, then returns. For tests that move a manual clock step by step, and for a
    /// one-shot `mandate jobs run` command. Not to be mixed with ``run()`` on the same pool.
    public func processDueJobs() async throws(JobQueueError) -> ProcessingReport {
        var report = ProcessingReport()
        report.claim = try await queue.claim(
            owner: configuration.ownerID, limit: configuration.claimBatchSize,
            leaseDuration: configuration.leaseDuration, handlers: handlers)
        self.report(report.claim)
        var remaining = report.claim.jobs[...]
        while !remaining.isEmpty {
            let slice = remaining.prefix(configuration.concurrency)
            remaining = remaining.dropFirst(slice.count)
            let resolutions = await withTaskGroup(of: (Int, JobCompletion.Resolution).self) { group in
                for (index, job) in slice.enumerated() {
                    group.addTask { (index, await self.resolve(job)) }
                }
                var results = [JobCompletion.Resolution?](repeating: nil, count: slice.count)
                for await (index, resolution) in group { results[index] = resolution }
                return results
            }
            for (job, resolution) in zip(slice, resolutions) {
                report.completions.append(JobCompletion(job: job, resolution: resolution ?? .release))
            }
        }
        let written = try await queue.complete(report.completions, handlers: handlers)
        report.applied = written.applied
        for (completion, applied) in zip(report.completions, written.applied) where applied {
            metrics?.record(completion.resolution, kind: completion.job.kind)
        }
        for error in written.hookErrors { logger.error(error) }
        return report
    }

    /// Runs `job` with its handler and turns the outcome into its next state.
    func resolve(_ job: ClaimedJob) async -> JobCompletion.Resolution {
        guard let handler = handlers[job.kind] else {
            return .dead(
                reason: .unknownKind,
                error: "no handler is registered for kind '\(job.kind)' (this worker runs: "
                    + handlers.kinds.joined(separator: ", ") + ")")
        }
        // The claim already filtered expired jobs; time may have passed since.
        if job.isExpired(at: queue.clock.now()) {
            return .dead(reason: .expired, error: "its deadline (not_after) passed before it could be delivered")
        }
        let outcome = await handler.handle(job)
        var generator = SystemRandomNumberGenerator()
        return .resolving(
            outcome, for: job, policy: handler.retryPolicy, now: queue.clock.now(), using: &generator)
    }
}
