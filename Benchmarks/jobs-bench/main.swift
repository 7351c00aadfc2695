import Foundation

// jobs-bench: the job queue's benchmarks. `swift run -c release jobs-bench [noop|webhooks|latency|all]
// [--runs N]`. Each benchmark runs N times (default 5) and reports every run and the median,
// because the machine (2 cores) is shared.

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func format(_ value: Double) -> String {
    String(format: "%.0f", value)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 5
let selected = arguments.first { !$0.hasPrefix("--") && Int($0) == nil } ?? "all"
let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path

print("jobs-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(runs) run(s) per benchmark")

if selected == "noop" || selected == "all" {
    let jobs = 40_000
    let shapes = [
        EnqueueShape(producers: 8, jobsPerTransaction: 1), EnqueueShape(producers: 32, jobsPerTransaction: 1),
        EnqueueShape(producers: 8, jobsPerTransaction: 100),
    ]
    for shape in shapes {
        var results: [Double] = []
        for _ in 0..<runs { results.append(try await runNoopThroughputBenchmark(jobs: jobs, shape: shape)) }
        print(
            "1. no-op jobs enqueue→claim→complete, \(shape): median \(format(median(results))) jobs/s "
                + "(runs: \(results.map(format).joined(separator: ", ")); target ≥ 20000)")
    }
    var huey: [HueyResult] = []
    for _ in 0..<(arguments.contains("--no-huey") ? 0 : runs) {
        guard let result = try HueyBenchmark.run(tasks: 10_000, python: python) else {
            print("   huey: skipped (\(python) with huey not found; .venv/bin/pip install huey)")
            break
        }
        huey.append(result)
    }
    if !huey.isEmpty {
        print(
            "   huey SqliteHuey, 10000 tasks (2000 at default sync): sequential enqueue+drain at default sync "
                + "\(format(median(huey.map(\.sequentialDefault)))) tasks/s, with synchronous=NORMAL "
                + "\(format(median(huey.map(\.sequentialNormal)))) tasks/s, in-process Consumer (4 threads) "
                + "\(format(median(huey.map(\.consumerNormal)))) tasks/s (medians)")
    }
}

if selected == "webhooks" || selected == "all" {
    var results: [Double] = []
    for _ in 0..<runs { results.append(try await runWebhookThroughputBenchmark(deliveries: 6_000, concurrency: 16)) }
    print(
        "2. signed webhook deliveries to a local sink, 16 concurrent: median \(format(median(results))) deliveries/s "
            + "(runs: \(results.map(format).joined(separator: ", ")); target ≥ 1500)")
}

if selected == "latency" || selected == "all" {
    var summaries: [LatencySummary] = []
    for _ in 0..<runs { summaries.append(try await runIdleLatencyBenchmark(samples: 200)) }
    let p50 = median(summaries.map(\.p50))
    print(
        "3. idle enqueue→delivery latency (200 samples per run): median p50 \(String(format: "%.2f", p50)) ms, "
            + "p90 \(String(format: "%.2f", median(summaries.map(\.p90)))) ms, "
            + "p99 \(String(format: "%.2f", median(summaries.map(\.p99)))) ms "
            + "(p50 per run: \(summaries.map { String(format: "%.2f", $0.p50) }.joined(separator: ", ")); target ≤ 20)")
}
