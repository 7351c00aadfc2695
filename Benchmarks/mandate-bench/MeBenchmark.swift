import Foundation

/// `GET /api/v1/me` with a bearer session token: one session lookup (SQLite) per request.
enum MeBenchmark {
    static func run(_ arguments: [String]) async throws {
        let seconds = Int(option("--seconds", in: arguments) ?? "10") ?? 10
        let runs = Int(option("--runs", in: arguments) ?? "3") ?? 3
        print("# GET /api/v1/me with a bearer token — wrk, median of \(runs) runs; \(MachineInfo.summary)")
        let server = try ServerUnderTest(extraArguments: ["--demo"])
        defer { server.stop() }
        let login = try SimpleHTTP.request(
            port: server.port, method: "POST", path: "/api/v1/auth/login",
            headers: ["Content-Type": "application/json"], body: SignInBenchmark.body)
        guard login.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw ServerUnderTest.Failure(description: "sign-in failed: \(login.status) \(login.body)") }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-me.lua").path
        try "wrk.headers[\"Authorization\"] = \"Bearer \(token)\"\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        let url = "http://127.0.0.1:\(server.port)/api/v1/me"
        _ = try WrkResult.run(url: url, threads: 2, connections: 64, seconds: 2, script: script)
        let many = try medianRun(runs) {
            try WrkResult.run(url: url, threads: 2, connections: 64, seconds: seconds, script: script)
        }
        print("wrk -t2 -c64: \(many.median.summary)")
        for result in many.all { print("    run: \(result.summary)") }
    }
}
