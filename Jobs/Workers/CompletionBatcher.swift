import Lifecycle
import Synchronization

/// Collects the results of concurrent jobs and writes them in batches, one transaction per
/// batch, so a thousand quick jobs cost a handful of commits instead of a thousand.
///
/// A failed write is retried (the database may be busy with another process for a moment);
/// once the pool is stopping it is retried a few times and then given up, which loses nothing:
/// the jobs' leases expire and they run again (at-least-once).
final class CompletionBatcher: Sendable {
    /// The most completions written in one transaction, so that one commit stays short.
    static let maximumBatchSize = 1000

    private struct State {
        var pending: [JobCompletion] = []
        var isClosed = false
    }

    private let queue: JobQueue
    private let handlers: JobHandlerRegistry
    private let logger: Logger
    private let metrics: JobMetrics?
    private let retryDelay: Duration
    private let state = Mutex(State())
    private let wake = WakeSignal()

    init(queue: JobQueue, handlers: JobHandlerRegistry, logger: Logger, metrics: JobMetrics?, retryDelay: Duration) {
        self.queue = queue
        self.handlers = handlers
        self.logger = logger
        self.metrics = metrics
        self.retryDelay = retryDelay
    }

    /// Queues one result for the next batch.
    func submit(_ completion: JobCompletion) {
        state.withLock { $0.pending.append(completion) }
        wake.signal()
    }

    /// No more results will come: ``run()`` returns once everything pending is written.
    func close() {
        state.withLock { $0.isClosed = true }
        wake.signal()
    }

    /// Writes batches until closed and empty.
    func run() async {
        while true {
            let (batch, isClosed) = state.withLock { state in
                let count = min(state.pending.count, Self.maximumBatchSize)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return (batch, state.isClosed)
            }
            if batch.isEmpty {
                if isClosed || Task.isCancelled { return }
                await wake.wait(timeout: nil)
                continue
            }
            await write(batch)
        }
    }

    private func write(_ batch: [JobCompletion]) async {
        var failures = 0
        while true {
            do {
                let report = try await queue.complete(batch, handlers: handlers)
                for (completion, applied) in zip(batch, report.applied) {
                    if applied {
                        metrics?.record(completion.resolution, kind: completion.job.kind)
                    } else {
                        logger.warning(
                            "a job result was dropped: its lease was lost to another worker",
                            ["jobId": .int(Int(completion.job.id)), "kind": .string(completion.job.kind)])
                    }
                }
                for error in report.hookErrors { logger.error(error) }
                return
            } catch {
                failures += 1
                let isClosed = state.withLock { $0.isClosed }
                let givingUp = (isClosed || Task.isCancelled) && failures >= 3
                logger.error(
                    givingUp
                        ? "cannot record job results; giving up (their leases will expire and they will run again)"
                        : "cannot record job results; retrying",
                    ["jobs": .int(batch.count), "error": .string("\(error)")])
                if givingUp { return }
                try? await Task.sleep(for: retryDelay)
            }
        }
    }
}
