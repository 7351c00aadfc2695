import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage

/// How the no-op benchmark enqueues.
struct EnqueueShape: CustomStringConvertible {
    /// Concurrent producer tasks (requests of a busy server).
    var producers: Int
    /// Jobs per write transaction: 1 as a service enqueues, 100 for a bulk operation.
    var jobsPerTransaction: Int

    var description: String {
        "\(jobsPerTransaction == 1 ? "one job" : "\(jobsPerTransaction) jobs") per transaction, "
            + "\(producers) concurrent producers"
    }
}

/// A handler that does nothing.
struct NoopHandler: JobHandler {
    let kind = JobKind.noop
    func handle(_ job: ClaimedJob) async -> JobOutcome { .succeeded }
}

/// Benchmark 1: no-op jobs through enqueue → claim → complete in one process, producers and
/// the worker pool running at the same time. Returns completed jobs per second, counted when
/// the completion is committed.
func runNoopThroughputBenchmark(jobs: Int, shape: EnqueueShape, engine: BenchEngine = .sqlite) async throws -> Double {
    let bench = try BenchDatabase(engine: engine)
    defer { bench.remove() }
    let queue = JobQueue(database: bench.database)
    let notifier = JobNotifier()
    let registry = MetricsRegistry()
    let metrics = JobMetrics(registry: registry, queue: queue)
    let pool = try WorkerPool(
        queue: queue, handlers: JobHandlerRegistry([NoopHandler()]), notifier: notifier,
        configuration: .init(concurrency: 1024, claimBatchSize: 512),
        logger: Logger(label: "bench", level: .warning), metrics: metrics)
    let running = Task { try await pool.run() }
    let producers = shape.producers
    let perProducer = jobs / producers / shape.jobsPerTransaction * shape.jobsPerTransaction
    let job = try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8))
    let database = bench.database
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<producers {
            group.addTask {
                for _ in 0..<(perProducer / shape.jobsPerTransaction) {
                    try await database.write { connection in
                        let now = Date()
                        for _ in 0..<shape.jobsPerTransaction { _ = try Outbox.enqueue(job, on: connection, now: now) }
                    }
                    notifier.notify()
                }
            }
        }
        try await group.waitForAll()
    }
    let total = Double(producers * perProducer)
    while metrics.deliveries.value([JobKind.noop, "delivered"]) < total {
        try await Task.sleep(for: .milliseconds(1))
    }
    let elapsed = start.duration(to: clock.now)
    await pool.shutdown()
    try await running.value
    return total / seconds(elapsed)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
