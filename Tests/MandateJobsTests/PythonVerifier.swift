import ChildProcess
import Foundation
import Testing

/// Checks webhook signatures with an independent implementation: the `standardwebhooks` package
/// from PyPI, run from the virtualenv at `<repository root>/.venv` (created by the Makefile:
/// `python3 -m venv .venv && .venv/bin/pip install standardwebhooks`).
///
/// The verifier's "now" is the time the sink received each request on the test's clock, so
/// tests with a manual clock are judged by the receiver's own tolerance rule too.
enum PythonVerifier {
    /// `<root>/.venv/bin/python`, found from this file's path (Tests/MandateJobsTests/…).
    static let python: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".venv/bin/python").path
    }()

    /// Whether the virtualenv with `standardwebhooks` exists.
    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? runBlocking(["-c", "import standardwebhooks"], input: "")) != nil  // once per run
    }()

    static let skipMessage =
        ".venv/bin/python with the standardwebhooks package is missing at the repository root; create it with "
        + "`python3 -m venv .venv && .venv/bin/pip install standardwebhooks` (the Makefile does)"

    private static let script = #"""
        import base64, json, sys
        from datetime import datetime, timezone
        import standardwebhooks.webhooks as module
        from standardwebhooks import Webhook
        for line in sys.stdin:
            request = json.loads(line)
            fixed = datetime.fromtimestamp(request["now"], tz=timezone.utc)
            class FixedClock(datetime):
                @classmethod
                def now(cls, tz=None):
                    return fixed
            module.datetime = FixedClock
            try:
                Webhook(request["secret"]).verify(base64.b64decode(request["body"]), request["headers"])
                print("ok")
            except Exception as error:
                print("error: %s: %s" % (type(error).__name__, error))
        """#

    /// Verifies every request with `secret`; returns one verdict per request ("ok" or "error: …").
    static func verdicts(for requests: [SinkRequest], secret: String) async throws -> [String] {
        var input = ""
        for request in requests {
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.lowercased()] = value }
            let object: [String: Any] = [
                "secret": secret, "headers": headers, "body": Data(request.body).base64EncodedString(),
                "now": request.receivedAt.timeIntervalSince1970,
            ]
            input += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        let output = try await run(["-c", script], input: input)
        return output.split(separator: "\n").map(String.init)
    }

    /// Expects every request to verify (no-op when the virtualenv is missing; the dedicated
    /// suite reports the skip).
    static func expectAllVerify(
        _ requests: [SinkRequest], secret: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        guard isAvailable, !requests.isEmpty else { return }
        let verdicts = try await verdicts(for: requests, secret: secret)
        #expect(verdicts.count == requests.count, sourceLocation: sourceLocation)
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdict == "ok", "request \(index): \(verdict)", sourceLocation: sourceLocation)
        }
    }

    /// Runs Python off the cooperative pool: blocking it (two threads here) for a Python start-up
    /// would stall every other test running in parallel.
    private static func run(_ arguments: [String], input: String) async throws -> String {
        try output(of: try await ChildProcess.run(python, arguments, input: Array(input.utf8)))
    }

    private static func runBlocking(_ arguments: [String], input: String) throws -> String {
        try output(of: try ChildProcess.runBlocking(python, arguments, input: Array(input.utf8)))
    }

    private static func output(of result: CompletedProcess) throws -> String {
        guard result.status == .exited(0) else {
            throw SinkFailure("python exited with \(result.status): \(result.errorText)")
        }
        return result.outputText
    }
}
