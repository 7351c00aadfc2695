public import Lifecycle
public import MandateCore
import Synchronization

/// Runs jobs: claims due jobs in batches, runs each with its kind's handler (up to
/// `concurrency` at once), and writes the results back in batches.
///
/// It runs inside `mandate serve` and as `mandate worker`; both at once, or several of each,
/// are safe: claims are atomic write transactions with leases, and every write waits for the
/// file lock (`BEGIN IMMEDIATE` with a busy timeout) instead of failing. A database error is
/// logged and retried after a pause, never fatal.
///
/// Shutdown (``shutdown()``) stops claiming, lets running jobs finish until
/// `shutdownDeadline`, then releases the rest (back to `queued`, attempt not counted) and
/// cancels their tasks.
public final class WorkerPool: Service {
    /// `workers`.
    public let name = "workers"
    /// The configuration.
    public let configuration: Configuration

    private enum Phase {
        case idle, running, stopping, stopped
    }

    let queue: JobQueue
    let handlers: JobHandlerRegistry
    private let notifier: JobNotifier?
    let logger: Logger
    let metrics: JobMetrics?
    private let phase = Mutex(Phase.idle)
    private let wake = WakeSignal()
    private let inFlight = InFlightJobs()
    /// Whether the last claim came back short (queue empty): then a finished job does not wake
    /// the claim loop, so an idle queue is not polled once per job.
    private let queueLooksEmpty = Atomic<Bool>(false)

    /// Creates a pool; nothing runs until ``run()``.
    ///
    /// - Throws: ``JobQueueError`` `invalidConfiguration`.
    public init(
        queue: JobQueue, handlers: JobHandlerRegistry, notifier: JobNotifier? = nil,
        configuration: Configuration = Configuration(), logger: Logger, metrics: JobMetrics? = nil
    ) throws(JobQueueError) {
        try configuration.validate()
        self.queue = queue
        self.handlers = handlers
        self.notifier = notifier
        self.configuration = configuration
        self.logger = logger.with(["worker": .string(configuration.ownerID)])
        self.metrics = metrics
    }

    /// Claims and runs jobs until ``shutdown()`` (or cancellation), then drains.
    ///
    /// - Throws: ``JobQueueError`` `invalidState` when the pool has already run.
    public func run() async throws {
        guard transition(from: .idle, to: .running) else {
            throw JobQueueError(.invalidState, "a worker pool runs once; this one already ran or is running")
        }
        let observation = notifier?.addObserver { [weak self] in self?.jobsArrived() }
        defer {
            if let observation { notifier?.removeObserver(observation) }
            phase.withLock { $0 = .stopped }
        }
        logger.info("job workers started", ["concurrency": .int(configuration.concurrency)])
        let batcher = CompletionBatcher(
            queue: queue, handlers: handlers, logger: logger, metrics: metrics, retryDelay: configuration.errorBackoff)
        await withDiscardingTaskGroup { group in
            group.addTask { await batcher.run() }
            let renewal = Task { await self.renewLeases() }
            await withDiscardingTaskGroup { deliveries in
                await claimLoop(deliveries: &deliveries, batcher: batcher)
                await drain(deliveries: &deliveries, batcher: batcher)
            }
            renewal.cancel()
            await renewal.value
            batcher.close()
        }
        logger.info("job workers stopped")
    }

    /// Asks the pool to stop; returns at once. ``run()`` returns when draining is done.
    public func shutdown() async {
        let wasRunning = phase.withLock { phase -> Bool in
            switch phase {
            case .idle:
                phase = .stopped
                return false
            case .running:
                phase = .stopping
                return true
            case .stopping, .stopped:
                return false
            }
        }
        if wasRunning { wake.signal() }
    }

    /// The notifier says jobs were enqueued: the queue is no longer empty, so a freed slot is
    /// worth a claim again, and an idle claim loop wakes at once.
    private func jobsArrived() {
        queueLooksEmpty.store(false, ordering: .relaxed)
        wake.signal()
    }

    private var isRunning: Bool {
        phase.withLock { $0 == .running } && !Task.isCancelled
    }

    private func transition(from expected: Phase, to next: Phase) -> Bool {
        phase.withLock { phase in
            guard phase == expected else { return false }
            phase = next
            return true
        }
    }

    /// How often the running pool reaps expired leases and dead-letters expired jobs (the claim
    /// itself never hands out an expired job, so this only bounds how soon they are visible).
    static let housekeepingInterval: Duration = .milliseconds(250)

    private func claimLoop(deliveries: inout DiscardingTaskGroup, batcher: CompletionBatcher) async {
        let clock = ContinuousClock()
        var lastHousekeeping: ContinuousClock.Instant?
        while isRunning {
            let free = configuration.concurrency - inFlight.count
            guard free > 0 else {
                await wake.wait(timeout: configuration.pollInterval)
                continue
            }
            let requested = min(free, configuration.claimBatchSize)
            let batch: ClaimBatch
            let now = clock.now
            let housekeeping = lastHousekeeping.map { $0.duration(to: now) >= Self.housekeepingInterval } ?? true
            do {
                batch = try await queue.claim(
                    owner: configuration.ownerID, limit: requested, leaseDuration: configuration.leaseDuration,
                    handlers: handlers, housekeeping: housekeeping)
                if housekeeping { lastHousekeeping = now }
            } catch {
                logger.error("cannot claim jobs; retrying", ["error": .string("\(error)")])
                await wake.wait(timeout: configuration.errorBackoff)
                continue
            }
            report(batch)
            for job in batch.jobs {
                inFlight.insert(job)
                deliveries.addTask { await self.process(job, batcher: batcher) }
            }
            let cameUpShort = batch.jobs.count < requested
            queueLooksEmpty.store(cameUpShort, ordering: .relaxed)
            if cameUpShort {
                await wake.wait(timeout: configuration.pollInterval)
            }
        }
    }

    /// Runs one job and hands its result to the batcher, unless the shutdown deadline released
    /// the job first.
    private func process(_ job: ClaimedJob, batcher: CompletionBatcher) async {
        let resolution = await resolve(job)
        let (owned, remaining) = inFlight.finish(job)
        if owned {
            batcher.submit(JobCompletion(job: job, resolution: resolution))
        }
        // Wake the claim loop when a useful number of slots is free and there is probably more
        // to claim, and always while draining (it waits for the last job).
        let free = configuration.concurrency - remaining
        let refillThreshold = max(1, min(configuration.claimBatchSize, configuration.concurrency) / 4)
        if !isRunning || (free >= refillThreshold && !queueLooksEmpty.load(ordering: .relaxed)) {
            wake.signal()
        }
    }

    private func drain(deliveries: inout DiscardingTaskGroup, batcher: CompletionBatcher) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Task.isCancelled ? .zero : configuration.shutdownDeadline)
        while inFlight.count > 0 && !Task.isCancelled {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { break }
            await wake.wait(timeout: remaining)
        }
        let abandoned = inFlight.takeAll()
        guard !abandoned.isEmpty else { return }
        logger.warning(
            "shutdown deadline passed; releasing running jobs back to the queue", ["jobs": .int(abandoned.count)])
        for job in abandoned {
            batcher.submit(JobCompletion(job: job, resolution: .release))
        }
        deliveries.cancelAll()
    }

    /// Until cancelled, every third of the lease duration, extends the leases of the jobs running
    /// (see ``Configuration/leaseDuration``). A lease found already taken back is reported once:
    /// the job's result will be dropped, and the worker that took it runs it again.
    private func renewLeases() async {
        let interval = configuration.leaseDuration / 3
        var reportedLost: Set<Int64> = []
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let running = inFlight.all
            guard !running.isEmpty else { continue }
            do {
                let extended = Set(
                    try await queue.extendLeases(running, leaseDuration: configuration.leaseDuration).map(\.id))
                // A job that finished meanwhile may already be completed (no longer `running`):
                // only one still running here has really lost its lease.
                for job in running
                where !extended.contains(job.id) && inFlight.contains(job) && reportedLost.insert(job.id).inserted {
                    logger.warning(
                        "the lease of a running job was lost to another worker (this one stalled longer than the lease?)",
                        ["jobId": .int(Int(job.id)), "kind": .string(job.kind)])
                }
            } catch {
                logger.warning("cannot renew the leases of running jobs; trying again", ["error": .string("\(error)")])
            }
        }
    }

    /// Counts and logs what a claim found on the way.
    func report(_ batch: ClaimBatch) {
        for job in batch.expired {
            metrics?.record(.expired, kind: job.kind)
        }
        for job in batch.exhausted {
            metrics?.record(.dead, kind: job.kind)
            logger.error(
                "a job was dead-lettered: its worker died during its last attempt",
                ["jobId": .int(Int(job.id)), "kind": .string(job.kind)])
        }
        if batch.reclaimedCount > 0 {
            logger.warning(
                "took back jobs whose lease expired (a worker probably died)", ["jobs": .int(batch.reclaimedCount)])
        }
        for error in batch.hookErrors { logger.error(error) }
    }
}
