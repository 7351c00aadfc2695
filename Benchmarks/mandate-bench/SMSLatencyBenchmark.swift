import ChildProcess
import Foundation

/// Sign-in to SMS code in the dev outbox on an idle server (demo mode): the code travels through
/// the job queue and a signed webhook to `/dev/outbox/sms`, exactly as it would to a provider.
///
/// Each sample is one user: a password sign-in (scrypt at the OWASP parameters), the request for
/// a code, and polling `/dev/outbox.json` until the SMS is there. Reported: from the code request
/// to the SMS in the outbox (the queue and webhook path), and from the start of the sign-in.
enum SMSLatencyBenchmark {
    static let password = "bench-sms-password-42"

    static func run(_ arguments: [String]) async throws {
        let users = Int(option("--users", in: arguments) ?? "30") ?? 30
        print("# Sign-in to SMS in the dev outbox, idle server, \(users) users; \(MachineInfo.summary)")
        // Generous limits: this measures latency, not the anti-abuse limits.
        let server = try ServerUnderTest(
            extraArguments: ["--demo"],
            environment: [
                "MANDATE_SMS_RESEND_DELAY": "1", "MANDATE_SMS_PER_NUMBER": "1000",
                "MANDATE_SMS_TENANT_HOURLY": "100000",
            ])
        defer { server.stop() }
        let database = server.directory.appendingPathComponent("bench.sqlite").path
        var emails: [String] = []
        for index in 0..<users {
            let email = "sms-bench-\(index)@hooli.example"
            try createUser(email: email, database: database)
            emails.append(email)
            printProgress("creating users", index + 1, users)
        }
        for (index, email) in emails.enumerated() {
            try await enroll(email: email, port: server.port, phone: "+1415555\(String(format: "%04d", index))")
            printProgress("enrolling phones", index + 1, users)
        }
        var fromRequest: [Double] = []
        var fromSignIn: [Double] = []
        for (index, email) in emails.enumerated() {
            let start = Date()
            let login = try post(
                server.port, "/api/v1/auth/login",
                [
                    "tenant": "hooli", "email": email, "password": password,
                ])
            guard let challenge = login["challengeToken"] as? String else {
                throw ServerUnderTest.Failure(description: "no challenge for \(email): \(login)")
            }
            let requested = Date()
            let sent = try post(server.port, "/api/v1/auth/mfa/sms", ["challengeToken": challenge])
            guard let messageID = sent["messageId"] as? String else {
                throw ServerUnderTest.Failure(description: "no SMS for \(email): \(sent)")
            }
            _ = try await waitForOutbox(port: server.port, messageID: messageID)
            let arrived = Date()
            fromRequest.append(arrived.timeIntervalSince(requested) * 1000)
            fromSignIn.append(arrived.timeIntervalSince(start) * 1000)
            printProgress("measuring", index + 1, users)
        }
        print(summary("code request → SMS in outbox", fromRequest))
        print(summary("sign-in start → SMS in outbox", fromSignIn))
    }

    static func summary(_ label: String, _ samples: [Double]) -> String {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return String(
            format: "%@: p50 %.2f ms, p90 %.2f ms, max %.2f ms (%d samples)", label, percentile(0.5), percentile(0.9),
            sorted.last ?? 0, sorted.count)
    }

    static func createUser(email: String, database: String) throws {
        let result = try ChildProcess.runBlocking(
            ServerUnderTest.binary.path,
            ["user", "create", "--db", database, "--tenant", "hooli", "--email", email, "--password-stdin"],
            input: Array((password + "\n").utf8))
        guard result.status == .exited(0) else {
            throw ServerUnderTest.Failure(
                description: "user create \(email) exited with \(result.status): \(result.errorText)")
        }
    }

    static func enroll(email: String, port: Int, phone: String) async throws {
        let login = try post(port, "/api/v1/auth/login", ["tenant": "hooli", "email": email, "password": password])
        guard let token = login["token"] as? String else {
            throw ServerUnderTest.Failure(description: "sign-in of \(email) failed: \(login)")
        }
        let sent = try post(port, "/api/v1/me/mfa/sms", ["phoneNumber": phone], token: token)
        guard let messageID = sent["messageId"] as? String else {
            throw ServerUnderTest.Failure(description: "enrollment of \(email) failed: \(sent)")
        }
        let code = try await waitForOutbox(port: port, messageID: messageID)
        let confirmed = try post(port, "/api/v1/me/mfa/sms/confirm", ["code": code], token: token)
        guard confirmed["factor"] != nil else {
            throw ServerUnderTest.Failure(description: "confirmation for \(email) failed: \(confirmed)")
        }
    }

    /// Polls the dev outbox until the SMS `messageID` is there; returns its code.
    static func waitForOutbox(port: Int, messageID: String) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let (_, body) = try SimpleHTTP.request(
                port: port, method: "GET", path: "/dev/outbox.json?channel=sms&limit=5")
            if let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let entries = object["data"] as? [[String: Any]],
                let entry = entries.first(where: { $0["messageId"] as? String == messageID }),
                let code = entry["code"] as? String
            {
                return code
            }
            try await Task.sleep(for: .microseconds(200))
        }
        throw ServerUnderTest.Failure(description: "SMS \(messageID) never reached the outbox")
    }

    static func post(_ port: Int, _ path: String, _ body: [String: Any], token: String? = nil) throws -> [String: Any] {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let (_, response) = try SimpleHTTP.request(port: port, method: "POST", path: path, headers: headers, body: text)
        return (try? JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any]) ?? [:]
    }

    static func printProgress(_ label: String, _ done: Int, _ total: Int) {
        let width = 30
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)\(done == total ? "\n" : "")".utf8))
    }
}
