import Foundation

/// Sign-in at the production scrypt parameters (N=2^17, r=8, p=1): throughput and latency, the
/// time a sign-in spends outside the hash, and `/healthz` latency while 100 clients hammer sign-in.
enum SignInBenchmark {
    static let body = #"{"tenant":"acme","email":"ada@acme.example","password":"member-demo-secret-42"}"#

    static func run(_ arguments: [String]) async throws {
        let seconds = Int(option("--seconds", in: arguments) ?? "15") ?? 15
        print("# Sign-in at the OWASP scrypt parameters; \(MachineInfo.summary)")
        let server = try ServerUnderTest(extraArguments: ["--demo"])
        defer { server.stop() }
        let script = try luaScript()
        let url = "http://127.0.0.1:\(server.port)/api/v1/auth/login"

        let single = try WrkResult.run(
            url: url, threads: 1, connections: 1, seconds: seconds, script: script, timeoutSeconds: 30)
        let metrics = try SimpleHTTP.request(port: server.port, method: "GET", path: "/metrics").body
        let routeSum = SimpleHTTP.metric(metrics, "http_request_duration_seconds_sum{route=\"/api/v1/auth/login\"}")
        let routeCount = SimpleHTTP.metric(metrics, "http_request_duration_seconds_count{route=\"/api/v1/auth/login\"}")
        let hashSum = SimpleHTTP.metric(metrics, "mandate_password_hash_seconds_sum{operation=\"verify\"}")
        let hashCount = SimpleHTTP.metric(metrics, "mandate_password_hash_seconds_count{operation=\"verify\"}")
        let waitSum = SimpleHTTP.metric(metrics, "mandate_password_hash_wait_seconds_sum")
        print("one client:        \(single.summary)")
        print(
            String(
                format:
                    "  per sign-in: %.1f ms in total, %.1f ms hashing, %.3f ms outside the hash (waiting for a hashing thread included: %.3f ms)",
                routeSum / routeCount * 1000, hashSum / hashCount * 1000, (routeSum - hashSum) / routeCount * 1000,
                waitSum / max(1, hashCount) * 1000))

        let busy = try WrkResult.run(
            url: url, threads: 1, connections: 4, seconds: seconds, script: script, timeoutSeconds: 30)
        print("four clients:      \(busy.summary)")

        // 100 clients hammer sign-in while another client measures /healthz.
        let hammer = Process()
        hammer.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        hammer.arguments = ["-t1", "-c100", "-d\(seconds + 4)s", "--timeout", "30s", "-s", script, url]
        hammer.standardOutput = FileHandle.nullDevice
        hammer.standardError = FileHandle.nullDevice
        try hammer.run()
        try await Task.sleep(for: .seconds(2))
        let health = try WrkResult.run(
            url: "http://127.0.0.1:\(server.port)/healthz", threads: 1, connections: 4, seconds: seconds)
        hammer.waitUntilExit()
        print("/healthz while 100 clients sign in: \(health.summary)")
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
