import Foundation
import Glibc
import MandateCore
import Testing

@testable import MandateApp

/// `mandate billing send-test-event` run in-process against a real HTTP receiver on 127.0.0.1 that
/// records what arrives; signatures are checked by our verifier and, when the virtualenv exists, by
/// Python's independent `standardwebhooks`.
@Suite("mandate billing send-test-event")
struct BillingCommandTests {
    /// What one run of the command did.
    struct Outcome {
        var code: ExitCode
        var output: [String]
        var notices: [String]
        var error: CommandLineError?

        /// Everything a person would see, error included.
        var everything: String {
            (output + notices + [error?.message ?? "", error?.hint ?? ""]).joined(separator: "\n")
        }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async -> Outcome {
        var output: [String] = []
        var notices: [String] = []
        do {
            let code = try await BillingCommand.run(
                ["send-test-event"] + arguments, environment: environment, output: { output.append($0) },
                notice: { notices.append($0) })
            return Outcome(code: code, output: output, notices: notices)
        } catch {
            return Outcome(code: error.exitCode, output: output, notices: notices, error: error)
        }
    }

    static func verify(_ request: BillingReceiver.Request, secret: String) throws(WebhookVerificationError) {
        let headers = request.headerMap
        try StandardWebhooks.verify(
            body: request.body, headers: { headers[$0] }, secrets: [secret], now: request.receivedAt)
    }

    @Test(
        "the event arrives signed; Python's standardwebhooks verifies it",
        .enabled(if: PythonSigner.isAvailable, "needs .venv/bin/python with standardwebhooks"))
    func pythonVerifies() async throws {
        let receiver = try BillingReceiver()
        let secret = WebhookSecret.generate().text
        let outcome = await Self.run([
            "--url", receiver.url + "/", "--tenant", "acme", "--plan", "enterprise", "--secret", secret,
        ])
        await receiver.stop()
        #expect(outcome.code == .success, "\(outcome.everything)")
        #expect(outcome.output.contains("HTTP 200"))
        #expect(outcome.output.contains(#"{"outcome":"applied"}"#))
        #expect(!outcome.everything.contains(secret))
        #expect(outcome.notices.isEmpty)
        let request = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        #expect(request.path == "/webhooks/billing")
        #expect(request.headerMap["content-type"] == "application/json")
        #expect(request.json["type"] as? String == "subscription.updated")
        #expect(request.data["tenantId"] as? String == "acme")
        #expect(request.data["plan"] as? String == "enterprise")
        #expect(request.data["status"] as? String == "active")
        // The body's time is the signing time.
        let stamp = try #require(request.json["timestamp"] as? String)
        #expect(
            BillingFixturesTests.iso(stamp)?.timeIntervalSince1970
                == Double(request.headerMap["webhook-timestamp"] ?? ""))
        try Self.verify(request, secret: secret)
        #expect(try await PythonWebhookCheck.verdict(request, secret: secret) == "ok")
        // Negative control: Python really checks.
        #expect(try await PythonWebhookCheck.verdict(request, secret: WebhookSecret.generate().text) != "ok")
    }

    @Test("the first secret of MANDATE_BILLING_WEBHOOK_SECRET signs; without any, the demo secret, said on stderr")
    func secretSources() async throws {
        let receiver = try BillingReceiver()
        let (first, second) = (WebhookSecret.generate().text, WebhookSecret.generate().text)
        let fromEnvironment = await Self.run(
            ["--url", receiver.url, "--tenant", "hooli", "--type", "subscription.canceled"],
            environment: [BillingWebhook.secretVariable: " \(first) , \(second)"])
        let demo = await Self.run(["--url", receiver.url, "--tenant", "globex", "--plan", "team"])
        await receiver.stop()
        #expect(fromEnvironment.code == .success)
        #expect(fromEnvironment.notices.isEmpty)
        #expect(!fromEnvironment.everything.contains(first) && !fromEnvironment.everything.contains(second))
        #expect(demo.code == .success)
        #expect(demo.notices.count == 1)
        #expect(demo.notices.first?.contains("demo secret") == true)
        #expect(!demo.everything.contains(BillingWebhook.demoSecret))
        let requests = receiver.requests
        try #require(requests.count == 2)
        try Self.verify(requests[0], secret: first)
        #expect(throws: WebhookVerificationError.self) { try Self.verify(requests[0], secret: second) }
        #expect(requests[0].data["plan"] == nil)
        #expect(requests[0].data["status"] as? String == "canceled")
        try Self.verify(requests[1], secret: BillingWebhook.demoSecret)

        let malformed = await Self.run(["--tenant", "acme", "--plan", "free", "--secret", "whsec_short"])
        #expect(malformed.code == .usage)
        #expect(!malformed.everything.contains("whsec_short"))
        let badVariable = await Self.run(
            ["--tenant", "acme", "--plan", "free"], environment: [BillingWebhook.secretVariable: "nope"])
        #expect(badVariable.code == .configuration)
    }

    @Test("--fixture sends the sample's body re-signed now, with its timestamp rewritten and a fresh id")
    func fixture() async throws {
        let receiver = try BillingReceiver()
        let path = BillingFixturesTests.directory.appendingPathComponent("trial-ended.json").path
        let sample = try BillingFixturesTests.Fixture(url: URL(fileURLWithPath: path))
        let before = Date()
        let outcome = await Self.run(["--url", receiver.url, "--fixture", path])
        let after = Date()
        let replay = await Self.run(["--url", receiver.url, "--fixture", path, "--webhook-id", "msg_replay_1"])
        await receiver.stop()
        #expect(outcome.code == .success, "\(outcome.everything)")
        #expect(replay.code == .success)
        let requests = receiver.requests
        try #require(requests.count == 2)
        let request = requests[0]
        let id = try #require(request.headerMap["webhook-id"])
        #expect(id != sample.webhookID && id.hasPrefix("msg_"))
        #expect(requests[1].headerMap["webhook-id"] == "msg_replay_1")
        try Self.verify(request, secret: BillingWebhook.demoSecret)
        if PythonSigner.isAvailable {
            #expect(try await PythonWebhookCheck.verdict(request, secret: BillingWebhook.demoSecret) == "ok")
        }
        let original = try #require(
            try JSONSerialization.jsonObject(with: Data(sample.body.utf8)) as? [String: Any])
        let stamp = try #require(BillingFixturesTests.iso(request.json["timestamp"] as? String ?? ""))
        #expect(stamp.timeIntervalSince1970 == Double(request.headerMap["webhook-timestamp"] ?? ""))
        // Stamped while the command ran (whole seconds), however slow the checks after it are.
        #expect(stamp.timeIntervalSince(before) > -1 && stamp.timeIntervalSince(after) < 1)
        #expect(request.json["type"] as? String == original["type"] as? String)
        #expect(request.data as NSDictionary == original["data"] as? NSDictionary)

        let combined = await Self.run(["--fixture", path, "--tenant", "acme"])
        #expect(combined.code == .usage)
        #expect(await Self.run(["--fixture", "/nonexistent/fixture.json"]).code == .dataError)
    }

    @Test("bad usage exits 64 and sends nothing")
    func usage() async throws {
        let receiver = try BillingReceiver()
        let url = ["--url", receiver.url]
        let missingTenant = await Self.run(url + ["--plan", "team"])
        #expect(missingTenant.code == .usage)
        #expect(missingTenant.error?.message == "option '--tenant' is required")
        let missingPlan = await Self.run(url + ["--tenant", "acme", "--type", "trial.ended"])
        #expect(missingPlan.code == .usage)
        #expect(missingPlan.error?.message.contains("--plan") == true)
        #expect(await Self.run(url + ["--tenant", "acme", "--plan", "team", "--type", "invoice.paid"]).code == .usage)
        #expect(await Self.run(url + ["--tenant", "acme", "--plan", "team", "--status", "paused"]).code == .usage)
        #expect(await Self.run(url + ["--tenant", "acme", "--plan", "team", "--trial-ends-at", "soon"]).code == .usage)
        #expect(await Self.run(url + ["--tenant", "acme", "--plan", "team", "--webhook-id", "a b"]).code == .usage)
        #expect(await Self.run(url + ["--tenant", "acme", "--plan", "team", "extra"]).code == .usage)
        #expect(await Self.run(["--tenant", "acme", "--plan", "team", "--url", "ftp://127.0.0.1/"]).code == .usage)
        do {
            _ = try await BillingCommand.run(["send-event"], environment: [:], output: { _ in }, notice: { _ in })
            Issue.record("an unknown subcommand must fail")
        } catch {
            #expect(error.exitCode == .usage)
        }
        await receiver.stop()
        #expect(receiver.requests.isEmpty)
    }

    @Test("--dry-run prints the request and sends nothing; the defaults of --status follow --type")
    func dryRun() async throws {
        let receiver = try BillingReceiver()
        let secret = WebhookSecret.generate().text
        let outcome = await Self.run([
            "--url", receiver.url, "--tenant", "initech", "--type", "trial.ended", "--plan", "enterprise",
            "--trial-ends-at", "2026-12-01T01:00:00+01:00", "--secret", secret, "--dry-run",
        ])
        await receiver.stop()
        #expect(outcome.code == .success)
        #expect(receiver.requests.isEmpty)
        #expect(outcome.output.first == "POST \(receiver.url)/webhooks/billing")
        #expect(outcome.output.contains("content-type: application/json"))
        #expect(outcome.output.contains { $0.hasPrefix("webhook-id: msg_") })
        #expect(outcome.output.contains { $0.hasPrefix("webhook-timestamp: ") })
        #expect(outcome.output.contains { $0.hasPrefix("webhook-signature: v1,") })
        #expect(!outcome.everything.contains(secret))
        let body = try #require(outcome.output.last)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(Array(body.utf8.prefix(8)) == Array(#"{"type":"#.utf8))
        let data = try #require(event["data"] as? [String: Any])
        #expect(data["status"] as? String == "canceled")
        #expect(data["trialEndsAt"] as? String == "2026-12-01T00:00:00Z")

        let updated = await Self.run(["--tenant", "acme", "--plan", "team", "--dry-run"])
        #expect(updated.output.last?.contains(#""status":"active""#) == true)
        #expect(updated.output.last?.contains(#""type":"subscription.updated""#) == true)
    }

    @Test("no server at --url: a clear error and exit 69")
    func connectionRefused() async throws {
        let port = try Self.unusedPort()
        let outcome = await Self.run(["--url", "http://127.0.0.1:\(port)", "--tenant", "acme", "--plan", "team"])
        #expect(outcome.code == .unavailable)
        let error = try #require(outcome.error)
        #expect(error.message.hasPrefix("cannot connect to http://127.0.0.1:\(port)/webhooks/billing"))
        #expect(error.hint?.contains("mandate serve") == true)
    }

    @Test("a 4xx answer is printed and exits 1 with a hint")
    func clientError() async throws {
        let answer = #"{"error":{"code":"invalid_signature","message":"No signature matches."}}"#
        let receiver = try BillingReceiver(status: 401, answer: answer)
        let outcome = await Self.run(["--url", receiver.url, "--tenant", "acme", "--plan", "team"])
        await receiver.stop()
        #expect(outcome.code == .failure)
        #expect(outcome.output.contains("HTTP 401"))
        #expect(outcome.output.contains(answer))
        #expect(outcome.error?.message == "the server answered 401")
        #expect(outcome.error?.hint?.contains(BillingWebhook.secretVariable) == true)
        #expect(receiver.requests.count == 1)
    }

    @Test("`mandate billing` is wired into the command line and its help")
    func wiring() async throws {
        #expect(HelpText.overview.contains("billing    billing send-test-event"))
        #expect(HelpText.billing.contains("--trial-ends-at"))
        #expect(HelpText.billing.contains(BillingWebhook.secretVariable))
        let missing = await #expect(throws: CommandLineError.self) {
            try await MandateCommand.run(arguments: ["billing"], environment: [:])
        }
        #expect(missing?.exitCode == .usage)
        #expect(missing?.message.hasPrefix("missing billing command") == true)
    }

    /// A port nothing listens on: bound, read, closed.
    static func unusedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
