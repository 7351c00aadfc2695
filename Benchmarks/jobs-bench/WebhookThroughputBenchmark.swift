import Foundation
import HTTPClient
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage

/// The parts of a webhook-delivering worker, wired to a local sink.
struct WebhookBenchRig {
    let bench: BenchDatabase
    let sink: BenchSink
    let client: HTTPClient
    let queue: JobQueue
    let metrics: JobMetrics
    let notifier = JobNotifier()
    let pool: WorkerPool

    init(
        concurrency: Int, engine: BenchEngine = .sqlite, onRequest: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        bench = try BenchDatabase(engine: engine)
        sink = try BenchSink(onRequest: onRequest)
        client = HTTPClient(configuration: .init(maximumConcurrentRequests: concurrency))
        queue = JobQueue(database: bench.database)
        metrics = JobMetrics(registry: MetricsRegistry(), queue: queue)
        let deliverer = WebhookDeliverer(client: client, endpoints: WebhookEndpoints(database: bench.database))
        let gateway = try WebhookGateway(name: "sms", url: sink.url, secret: WebhookSecret.generate())
        pool = try WorkerPool(
            queue: queue, handlers: JobHandlerRegistry([SMSDeliveryHandler(gateway: gateway, deliverer: deliverer)]),
            notifier: notifier, configuration: .init(concurrency: concurrency, claimBatchSize: 64),
            logger: Logger(label: "bench", level: .warning), metrics: metrics)
    }

    /// Records `count` SMS messages (and their jobs), 100 per transaction.
    func queueMessages(_ count: Int) async throws {
        var remaining = count
        while remaining > 0 {
            let batch = min(100, remaining)
            remaining -= batch
            try await bench.database.write { connection in
                let now = Date()
                for index in 0..<batch {
                    _ = try MessageStore.queueSMS(
                        SMSMessageRequest(
                            tenantID: "bench", to: "+1555\(index)", body: "Your code is 123456",
                            expiresAt: now.addingTimeInterval(600)), on: connection, now: now)
                }
            }
        }
    }

    var delivered: Double { metrics.deliveries.value([JobKind.smsSend, "delivered"]) }

    func tearDown() {
        sink.stop()
        client.shutdown()
        bench.remove()
    }
}

/// Benchmark 2: signed SMS webhooks delivered to a local sink, `concurrency` at once. The jobs are
/// queued first; the clock runs from starting the pool until the last result is committed.
/// Returns deliveries per second.
func runWebhookThroughputBenchmark(deliveries: Int, concurrency: Int, engine: BenchEngine = .sqlite) async throws
    -> Double
{
    let rig = try WebhookBenchRig(concurrency: concurrency, engine: engine)
    defer { rig.tearDown() }
    try await rig.queueMessages(deliveries)
    let clock = ContinuousClock()
    let start = clock.now
    let running = Task { try await rig.pool.run() }
    while rig.delivered < Double(deliveries) {
        try await Task.sleep(for: .milliseconds(1))
    }
    let elapsed = start.duration(to: clock.now)
    await rig.pool.shutdown()
    try await running.value
    guard rig.sink.requestCount >= deliveries else {
        throw BenchError("the sink saw \(rig.sink.requestCount) requests for \(deliveries) deliveries")
    }
    return Double(deliveries) / seconds(elapsed)
}
