import Foundation
import Lifecycle

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
        // Spawning and waiting blocks: off the cooperative pool, which parallel tests need.
        let output = try await runOffPool { try runBlocking(arguments) }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs Python with `arguments`, feeding `input` on standard input; returns standard output.
    /// Blocks: call it off the cooperative pool.
    static func runBlocking(_ arguments: [String], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        if input != nil { process.standardInput = stdin }
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
