import Foundation

/// `GET /healthz` on the release binary: 64 connections and 1 connection, median of N runs.
enum HTTPBenchmark {
    static func run(_ arguments: [String]) async throws {
        let seconds = Int(option("--seconds", in: arguments) ?? "10") ?? 10
        let runs = Int(option("--runs", in: arguments) ?? "3") ?? 3
        let path = option("--path", in: arguments) ?? "/healthz"
        print("# GET \(path) — wrk, \(seconds) s per run, median of \(runs) runs; \(MachineInfo.summary)")
        let server = try ServerUnderTest()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)\(path)"
        _ = try WrkResult.run(url: url, threads: 2, connections: 64, seconds: 2)  // warm-up
        let many = try medianRun(runs) { try WrkResult.run(url: url, threads: 2, connections: 64, seconds: seconds) }
        print("wrk -t2 -c64: \(many.median.summary)")
        for result in many.all { print("    run: \(result.summary)") }
        let one = try medianRun(runs) { try WrkResult.run(url: url, threads: 1, connections: 1, seconds: seconds) }
        print("wrk -t1 -c1:  \(one.median.summary)")
        for result in one.all { print("    run: \(result.summary)") }
    }
}

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
