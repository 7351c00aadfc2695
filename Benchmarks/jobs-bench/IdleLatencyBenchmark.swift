import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage
import Synchronization

/// Percentiles of a latency sample, in milliseconds.
struct LatencySummary {
    var p50: Double
    var p90: Double
    var p99: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        func percentile(_ fraction: Double) -> Double {
            sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
        }
        p50 = percentile(0.5)
        p90 = percentile(0.9)
        p99 = percentile(0.99)
    }
}

/// Benchmark 3: on an idle worker pool, the time from the start of the enqueue transaction (an
/// SMS recorded with `MessageStore.queueSMS`, then the in-process notifier poked after the
/// commit) to the signed webhook arriving at the local sink. One message at a time, 20 ms of
/// idleness between them; the pool's poll interval is 1 s, so only the notifier can explain a
/// quick delivery.
func runIdleLatencyBenchmark(samples: Int, engine: BenchEngine = .sqlite) async throws -> LatencySummary {
    let arrivals = Mutex<[String: ContinuousClock.Instant]>([:])
    let rig = try WebhookBenchRig(concurrency: 16, engine: engine) { webhookID in
        arrivals.withLock { $0[webhookID] = .now }
    }
    defer { rig.tearDown() }
    let running = Task { try await rig.pool.run() }
    // Warm up: one delivery opens the keep-alive connection, as in a running server.
    try await rig.queueMessages(1)
    rig.notifier.notify()
    while rig.sink.requestCount < 1 { try await Task.sleep(for: .milliseconds(1)) }

    var latencies: [Double] = []
    for index in 0..<samples {
        try await Task.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        let queued = try await rig.bench.database.write { connection in
            try MessageStore.queueSMS(
                SMSMessageRequest(
                    tenantID: "bench", to: "+1555\(index)", body: "Your code is 123456",
                    expiresAt: Date().addingTimeInterval(600)), on: connection, now: Date())
        }
        rig.notifier.notify()
        var arrival: ContinuousClock.Instant?
        while arrival == nil {
            arrival = arrivals.withLock { $0[queued.messageID] }
            if arrival == nil { try await Task.sleep(for: .microseconds(200)) }
        }
        latencies.append(seconds(start.duration(to: arrival!)) * 1000)
    }
    await rig.pool.shutdown()
    try await running.value
    return LatencySummary(latencies)
}
