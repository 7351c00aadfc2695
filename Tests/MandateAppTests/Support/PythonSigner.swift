import ChildProcess
import Foundation

/// Signs webhooks with an independent implementation: the `standardwebhooks` package from PyPI in
/// the virtualenv at `<repository root>/.venv` (the Makefile creates it). Tests that need it are
/// disabled when it is missing.
enum PythonSigner {
    static let python = TestApp.repositoryRoot.appendingPathComponent(".venv/bin/python").path

    /// Whether the virtualenv with `standardwebhooks` exists (checked once per run).
    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? runBlocking(["-c", "import standardwebhooks"])) != nil
    }()

    private static let script = #"""
        import base64, sys
        from datetime import datetime, timezone
        from standardwebhooks import Webhook
        secret, msg_id, seconds, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
        stamp = datetime.fromtimestamp(seconds, tz=timezone.utc)
        print(Webhook(secret).sign(msg_id, stamp, base64.b64decode(body).decode("utf-8")))
        """#

    /// The `webhook-signature` value Python computes.
    static func sign(id: String, timestamp: Date, body: [UInt8], secret: String) async throws -> String {
        let arguments = [
            "-c", script, secret, id, String(Int64(timestamp.timeIntervalSince1970)),
            Data(body).base64EncodedString(),
        ]
        return try await run(arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs Python with `arguments`, feeding `input` on standard input; returns standard output.
    /// Off the cooperative pool, which parallel tests need.
    static func run(_ arguments: [String], input: [UInt8]? = nil) async throws -> String {
        try output(of: try await ChildProcess.run(python, arguments, input: input))
    }

    /// ``run(_:input:)`` on the calling thread.
    static func runBlocking(_ arguments: [String], input: [UInt8]? = nil) throws -> String {
        try output(of: try ChildProcess.runBlocking(python, arguments, input: input))
    }

    private static func output(of result: CompletedProcess) throws -> String {
        guard result.status == .exited(0) else {
            throw TestFailure("python exited with \(result.status): \(result.errorText)")
        }
        return result.outputText
    }
}
