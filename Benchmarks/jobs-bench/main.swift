import Foundation

// jobs-bench: the job queue's benchmarks. `swift run -c release jobs-bench [noop|webhooks|latency|all]
// [--runs N] [--db postgres://…] [--no-huey]`. Each benchmark runs N times (default 5) and reports every run and
// the median, because the machine (2 cores) is shared. With `--db postgres://user@host:port/db` (or
// MANDATE_BENCH_POSTGRES) every benchmark also runs on PostgreSQL, in a scratch database created on
// that server and dropped afterwards (the engines take turns run by run), and a table puts both
// engines' medians side by side.

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func format(_ value: Double) -> String {
    String(format: "%.0f", value)
}

let usage = "USAGE: jobs-bench [noop|webhooks|latency|all] [--runs N] [--db postgres://…] [--no-huey]"

/// What the command line asked for.
struct Options {
    var runs = 5
    var postgresURL = ProcessInfo.processInfo.environment["MANDATE_BENCH_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    var selected = "all"
    var huey = true

    /// Parses `arguments`; prints the usage and exits on `--help` (0) or a mistake (64, EX_USAGE).
    init(_ arguments: [String]) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--help", "-h":
                print(usage)
                exit(0)
            case "--runs":
                guard let count = remaining.popFirst().flatMap({ Int($0) }), count > 0 else {
                    Self.fail("--runs needs a positive number")
                }
                runs = count
            case "--db":
                guard let url = remaining.popFirst(), url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
                else { Self.fail("--db needs a postgres:// URL") }
                postgresURL = url
            case "--no-huey":
                huey = false
            case "noop", "webhooks", "latency", "all":
                selected = argument
            default:
                Self.fail("unknown argument \(argument)")
            }
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("jobs-bench: \(message)\n\(usage)\n".utf8))
        exit(64)
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let runs = options.runs
let postgresURL = options.postgresURL
let selected = options.selected
let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path
let engines: [BenchEngine] = [.sqlite] + (postgresURL.map { [.postgres(serverURL: $0)] } ?? [])
/// `runs` results of `benchmark` per engine, the engines taking turns run by run, so that both
/// meet the same load on this shared machine.
func interleaved<Result>(_ benchmark: (BenchEngine) async throws -> Result) async throws -> [[Result]] {
    var results = engines.map { _ in [Result]() }
    for _ in 0..<runs {
        for (index, engine) in engines.enumerated() { results[index].append(try await benchmark(engine)) }
    }
    return results
}
/// One line of the closing comparison: a benchmark's median per engine.
var comparison: [(benchmark: String, medians: [String])] = []

print(
    "jobs-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(runs) run(s) per benchmark, "
        + "engines: \(engines.map(\.description).joined(separator: ", "))"
        + (postgresURL == nil ? "" : " (PostgreSQL pool of \(BenchEngine.postgresPoolSize) connections)"))

if selected == "noop" || selected == "all" {
    let jobs = 40_000
    let shapes = [
        EnqueueShape(producers: 8, jobsPerTransaction: 1), EnqueueShape(producers: 32, jobsPerTransaction: 1),
        EnqueueShape(producers: 8, jobsPerTransaction: 100),
    ]
    for shape in shapes {
        var medians: [String] = []
        let allResults = try await interleaved { engine in
            try await runNoopThroughputBenchmark(jobs: jobs, shape: shape, engine: engine)
        }
        for (engine, results) in zip(engines, allResults) {
            medians.append("\(format(median(results))) jobs/s")
            print(
                "1. [\(engine)] no-op jobs enqueue→claim→complete, \(shape): median \(format(median(results))) jobs/s "
                    + "(runs: \(results.map(format).joined(separator: ", ")); target ≥ 20000)")
        }
        comparison.append(("no-op jobs, \(shape)", medians))
    }
    var huey: [HueyResult] = []
    for _ in 0..<(options.huey ? runs : 0) {
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
    var medians: [String] = []
    let allResults = try await interleaved { engine in
        try await runWebhookThroughputBenchmark(deliveries: 6_000, concurrency: 16, engine: engine)
    }
    for (engine, results) in zip(engines, allResults) {
        medians.append("\(format(median(results))) deliveries/s")
        print(
            "2. [\(engine)] signed webhook deliveries to a local sink, 16 concurrent: median "
                + "\(format(median(results))) deliveries/s (runs: \(results.map(format).joined(separator: ", ")); "
                + "target ≥ 1500)")
    }
    comparison.append(("signed webhook deliveries, 16 concurrent", medians))
}

if selected == "latency" || selected == "all" {
    var medians: [String] = []
    let allSummaries = try await interleaved { engine in try await runIdleLatencyBenchmark(samples: 200, engine: engine)
    }
    for (engine, summaries) in zip(engines, allSummaries) {
        let p50 = median(summaries.map(\.p50))
        let p99 = median(summaries.map(\.p99))
        medians.append(String(format: "p50 %.2f ms, p99 %.2f ms", p50, p99))
        print(
            "3. [\(engine)] idle enqueue→delivery latency (200 samples per run): median p50 "
                + "\(String(format: "%.2f", p50)) ms, p90 \(String(format: "%.2f", median(summaries.map(\.p90)))) ms, "
                + "p99 \(String(format: "%.2f", p99)) ms "
                + "(p50 per run: \(summaries.map { String(format: "%.2f", $0.p50) }.joined(separator: ", ")); "
                + "target ≤ 20)")
    }
    comparison.append(("idle enqueue→delivery latency", medians))
}

if engines.count > 1 && !comparison.isEmpty {
    print("\nmedians side by side (same machine, same run):")
    print("| benchmark | \(engines.map(\.description).joined(separator: " | ")) |")
    print("|---|\(engines.map { _ in "---|" }.joined())")
    for line in comparison {
        print("| \(line.benchmark) | \(line.medians.joined(separator: " | ")) |")
    }
}
