import ChildProcess
import Foundation

/// Sign-in at the production scrypt parameters (N=2^17, r=8, p=1): throughput and latency, the
/// time a sign-in spends outside the hash, and `/healthz` latency while 100 clients hammer sign-in.
/// With `--db postgres://…` (or `MANDATE_BENCH_POSTGRES`) the same runs follow on PostgreSQL, and
/// a table puts both engines side by side.
enum SignInBenchmark {
    static let body = #"{"tenant":"acme","email":"ada@acme.example","password":"member-demo-secret-42"}"#

    /// What one engine measured.
    struct Figures {
        var single: WrkResult
        var totalMilliseconds: Double
        var hashMilliseconds: Double
        var outsideHashMilliseconds: Double
        var waitMilliseconds: Double
        var busy: WrkResult
        var health: WrkResult
    }

    static func run(_ arguments: [String]) async throws {
        let seconds = Int(option("--seconds", in: arguments) ?? "15") ?? 15
        let postgres = postgresServer(in: arguments)
        print("# Sign-in at the OWASP scrypt parameters; \(MachineInfo.summary)")
        var results: [(engine: String, figures: Figures)] = []
        print("## SQLite")
        results.append(("SQLite", try await measure(seconds: seconds, postgresServer: nil)))
        if let postgres {
            print("## PostgreSQL (a scratch database on the server of --db; `serve` with its default --db-pool)")
            results.append(("PostgreSQL", try await measure(seconds: seconds, postgresServer: postgres)))
        }
        guard results.count > 1 else { return }
        print("\nside by side (same machine, same run):")
        print("| sign-in | \(results.map(\.engine).joined(separator: " | ")) |")
        print("|---|\(results.map { _ in "---|" }.joined())")
        func line(_ label: String, _ value: (Figures) -> String) {
            print("| \(label) | \(results.map { value($0.figures) }.joined(separator: " | ")) |")
        }
        line("one client") {
            String(
                format: "%.1f/s, p50 %.0f ms, p99 %.0f ms", $0.single.requestsPerSecond, $0.single.p50Milliseconds,
                $0.single.p99Milliseconds)
        }
        line("time per sign-in (of which hashing)") {
            String(format: "%.1f ms (%.1f ms)", $0.totalMilliseconds, $0.hashMilliseconds)
        }
        line("outside the hash") { String(format: "%.2f ms", $0.outsideHashMilliseconds) }
        line("four clients") {
            String(
                format: "%.1f/s, p50 %.0f ms, p99 %.0f ms", $0.busy.requestsPerSecond, $0.busy.p50Milliseconds,
                $0.busy.p99Milliseconds)
        }
        line("/healthz while 100 clients sign in") {
            String(format: "p99 %.2f ms (%.0f req/s)", $0.health.p99Milliseconds, $0.health.requestsPerSecond)
        }
    }

    static func measure(seconds: Int, postgresServer: String?) async throws -> Figures {
        let server = try ServerUnderTest(extraArguments: ["--demo"], postgresServer: postgresServer)
        defer { server.stop() }
        let script = try luaScript()
        let url = "http://127.0.0.1:\(server.port)/api/v1/auth/login"

        let single = try WrkResult.run(
            url: url, threads: 1, connections: 1, seconds: seconds, script: script, timeoutSeconds: 30)
        // wrk stops at its deadline with a sign-in still in flight: wait until the server has
        // answered it too, or the hashing sums would count one verification more than the route's.
        var metrics = ""
        var (routeSum, routeCount, hashSum, hashCount) = (0.0, 0.0, 0.0, 0.0)
        for _ in 0..<50 {
            metrics = try SimpleHTTP.request(port: server.port, method: "GET", path: "/metrics").body
            routeSum = SimpleHTTP.metric(metrics, "http_request_duration_seconds_sum{route=\"/api/v1/auth/login\"}")
            routeCount = SimpleHTTP.metric(metrics, "http_request_duration_seconds_count{route=\"/api/v1/auth/login\"}")
            hashSum = SimpleHTTP.metric(metrics, "mandate_password_hash_seconds_sum{operation=\"verify\"}")
            hashCount = SimpleHTTP.metric(metrics, "mandate_password_hash_seconds_count{operation=\"verify\"}")
            if routeCount == hashCount { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let waitSum = SimpleHTTP.metric(metrics, "mandate_password_hash_wait_seconds_sum")
        let figures = (
            total: routeSum / routeCount * 1000, hash: hashSum / hashCount * 1000,
            outside: (routeSum - hashSum) / routeCount * 1000, wait: waitSum / max(1, hashCount) * 1000
        )
        print("one client:        \(single.summary)")
        print(
            String(
                format:
                    "  per sign-in: %.1f ms in total, %.1f ms hashing, %.3f ms outside the hash (waiting for a hashing thread included: %.3f ms)",
                figures.total, figures.hash, figures.outside, figures.wait))

        let busy = try WrkResult.run(
            url: url, threads: 1, connections: 4, seconds: seconds, script: script, timeoutSeconds: 30)
        print("four clients:      \(busy.summary)")

        // 100 clients hammer sign-in while another client measures /healthz.
        let hammer = try ChildProcess(
            "/usr/bin/wrk", ["-t1", "-c100", "-d\(seconds + 4)s", "--timeout", "30s", "-s", script, url])
        try await Task.sleep(for: .seconds(2))
        let health = try WrkResult.run(
            url: "http://127.0.0.1:\(server.port)/healthz", threads: 1, connections: 4, seconds: seconds)
        await hammer.wait()
        print("/healthz while 100 clients sign in: \(health.summary)")
        return Figures(
            single: single, totalMilliseconds: figures.total, hashMilliseconds: figures.hash,
            outsideHashMilliseconds: figures.outside, waitMilliseconds: figures.wait, busy: busy, health: health)
    }

    static func luaScript() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-signin.lua").path
        let lua = """
            wrk.method = "POST"
            wrk.body = '\(body)'
            wrk.headers["Content-Type"] = "application/json"
            """
        try lua.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
