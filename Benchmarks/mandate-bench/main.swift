import Foundation

// mandate-bench — the project's benchmarks, run against the release `mandate` binary.
// See README.md ("Benchmarks") for the commands and the figures measured on this machine.

let arguments = Array(CommandLine.arguments.dropFirst())
let benchmarks: [String: ([String]) async throws -> Void] = [
    "downgrade": DowngradeBenchmark.run,
    "enforcement": EnforcementBenchmark.run,
    "http": HTTPBenchmark.run,
    "idle-connections": IdleConnectionsBenchmark.run,
    "signin": SignInBenchmark.run,
    "me": MeBenchmark.run,
    "sms-latency": SMSLatencyBenchmark.run,
    "sweep": SweepBenchmark.run,
    "totp": TOTPBenchmark.run,
    "users-page": UsersPageBenchmark.run,
]

guard let name = arguments.first, let benchmark = benchmarks[name] else {
    print("USAGE: mandate-bench <\(benchmarks.keys.sorted().joined(separator: "|"))> [options]")
    exit(64)
}
do {
    try await benchmark(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("mandate-bench: \(error)\n".utf8))
    exit(1)
}
