import ChildProcess
import Foundation
import Glibc

/// `GET /healthz` on the release binary: 64 connections and 1 connection, median of N runs.
/// With `--peer-binary PATH [--peer-port N]` a peer server (started as `PATH PORT`, answering
/// `GET /healthz`) is measured in the same run, runs alternating, and the ratio is printed.
enum HTTPBenchmark {
    static func run(_ arguments: [String]) async throws {
        let seconds = Int(option("--seconds", in: arguments) ?? "10") ?? 10
        let runs = Int(option("--runs", in: arguments) ?? "3") ?? 3
        print("# GET /healthz — wrk, \(seconds) s per run, median of \(runs) runs; \(MachineInfo.summary)")
        let server = try ServerUnderTest()
        defer { server.stop() }
        var targets = [("mandate", "http://127.0.0.1:\(server.port)/healthz")]
        var peer: ChildProcess?
        if let binary = option("--peer-binary", in: arguments) {
            let port = option("--peer-port", in: arguments) ?? "8090"
            peer = try ChildProcess(binary, [port])
            try waitForPort(Int(port) ?? 8090)
            targets.append(("peer", "http://127.0.0.1:\(port)/healthz"))
        }
        defer {
            if let peer {
                peer.signal(SIGTERM)
                peer.waitBlocking()
            }
        }
        for (connections, threads) in [(64, 2), (1, 1)] {
            var results: [String: [WrkResult]] = [:]
            for (_, url) in targets {
                _ = try WrkResult.run(url: url, threads: threads, connections: connections, seconds: 2)
            }
            for _ in 0..<runs {
                for (name, url) in targets {
                    results[name, default: []].append(
                        try WrkResult.run(url: url, threads: threads, connections: connections, seconds: seconds))
                }
            }
            for (name, _) in targets {
                let all = results[name]!
                let median = all.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[all.count / 2]
                print(
                    "\(name.padding(toLength: 8, withPad: " ", startingAt: 0)) wrk -t\(threads) -c\(connections): \(median.summary)"
                )
                for result in all { print("    run: \(result.summary)") }
            }
            if let ours = results["mandate"], let theirs = results["peer"] {
                let mine = ours.map(\.requestsPerSecond).sorted()[ours.count / 2]
                let peerValue = theirs.map(\.requestsPerSecond).sorted()[theirs.count / 2]
                print(String(format: "ratio mandate/peer at %d connections: %.2f", connections, mine / peerValue))
            }
        }
    }

    static func waitForPort(_ port: Int) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let fd = try? IdleConnectionsBenchmark.connect(port) {
                close(fd)
                return
            }
            usleep(100_000)
        }
        throw ServerUnderTest.Failure(description: "the peer did not listen on port \(port)")
    }
}

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
