import ChildProcess
import DatabaseTestSupport
import Foundation
import Glibc
import Storage
import Testing

/// The SMS path end to end with the real binary in demo mode: the code travels as a signed webhook
/// from a job worker to the dev outbox, and nowhere else in clear (SECURITY.md "One-time codes").
@Suite("MFA journey against a running server")
struct MFAJourneyTests {
    static let member = (tenant: "hooli", email: "ada@hooli.example", password: "member-demo-secret-42")

    @Test("SMS enrollment and sign-in through the dev outbox; no code in the database or the logs afterwards")
    func smsThroughTheDevOutbox() async throws {
        let database = try ScratchDatabase(label: "journey")
        let server = try MandateProcess(
            ["serve", "--demo"],
            environment: ["MANDATE_PORT": "0", "MANDATE_DB": database.argument, "MANDATE_SMS_RESEND_DELAY": "1"])
        let port = try #require(await server.listeningPort(timeout: 60))
        let credentials: [String: Any] = [
            "tenant": Self.member.tenant, "email": Self.member.email, "password": Self.member.password,
        ]
        let login = try Wire.json(port: port, .post, "/api/v1/auth/login", body: credentials)
        #expect(login.status == 200)
        let token = try #require(login.object["token"] as? String)

        // Enrollment: the code arrives in the dev outbox through the real webhook path.
        let phone = "+1 415 555 0142"
        let sent = try Wire.json(port: port, .post, "/api/v1/me/mfa/sms", body: ["phoneNumber": phone], token: token)
        #expect(sent.status == 202, "\(sent.object)")
        let enrollMessage = try #require(sent.object["messageId"] as? String)
        let enrollCode = try #require(await outboxCode(port: port, messageID: enrollMessage))
        let confirmed = try Wire.json(
            port: port, .post, "/api/v1/me/mfa/sms/confirm", body: ["code": enrollCode], token: token)
        #expect(confirmed.status == 200, "\(confirmed.object)")

        // Sign-in: password, then a code by SMS.
        let second = try Wire.json(port: port, .post, "/api/v1/auth/login", body: credentials)
        #expect(second.object["status"] as? String == "mfa_required")
        let challenge = try #require(second.object["challengeToken"] as? String)
        // The pause between two codes to one user (1 s here instead of 30 s: a real clock).
        try await Task.sleep(for: .seconds(1.1))
        let code = try Wire.json(port: port, .post, "/api/v1/auth/mfa/sms", body: ["challengeToken": challenge])
        #expect(code.status == 202, "\(code.object)")
        let signInMessage = try #require(code.object["messageId"] as? String)
        let signInCode = try #require(await outboxCode(port: port, messageID: signInMessage))
        let verified = try Wire.json(
            port: port, .post, "/api/v1/auth/mfa/verify",
            body: ["challengeToken": challenge, "method": "sms", "code": signInCode])
        #expect(verified.status == 200, "\(verified.object)")
        let session = try #require(verified.object["token"] as? String)
        #expect(try Wire.json(port: port, .get, "/api/v1/me", token: session).status == 200)

        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
        // Neither code is in the logs, nor anywhere in the database except the dev outbox (which
        // plays the SMS provider, the intended recipient).
        for secret in [enrollCode, signInCode] {
            #expect(!server.log.contains(secret), "the log contains an SMS code")
        }
        let dump = try await dumpWithoutDevOutbox(database)
        #expect(dump.contains("sms_codes"))
        for secret in [enrollCode, signInCode] {
            #expect(!dump.contains(secret), "the database contains SMS code \(secret)")
        }
    }

    /// Polls `/dev/outbox.json` until the SMS of `messageID` arrives; returns its code.
    func outboxCode(port: Int, messageID: String) async -> String? {
        for _ in 0..<200 {
            if let outbox = try? Wire.json(port: port, .get, "/dev/outbox.json?channel=sms"),
                let entries = outbox.object["data"] as? [[String: Any]],
                let entry = entries.first(where: { $0["messageId"] as? String == messageID }),
                let code = entry["code"] as? String
            {
                return code
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Every row of every table except `dev_outbox`, as `sqlite3` or `pg_dump` dumps it.
    func dumpWithoutDevOutbox(_ database: ScratchDatabase) async throws -> String {
        switch database.location {
        case .sqlite(let path):
            let tables = try await ChildProcess.run(
                "/usr/bin/sqlite3", [path, "SELECT name FROM sqlite_master WHERE type = 'table'"])
            #expect(tables.status == .exited(0), "\(tables.errorText)")
            var dump = ""
            for table in tables.outputText.split(separator: "\n")
            where !table.hasPrefix("dev_outbox") && !table.hasPrefix("sqlite_") {
                dump += try await ChildProcess.run(
                    "/usr/bin/sqlite3", [path, ".mode insert \(table)", "SELECT * FROM \"\(table)\""]
                ).outputText
            }
            return dump
        case .postgres(let url):
            let pgDump = try #require(Self.pgDump, "pg_dump not found under /usr/lib/postgresql/*/bin")
            let dump = try await ChildProcess.run(
                pgDump, ["--data-only", "--inserts", "--exclude-table=dev_outbox", "--dbname=\(url)"])
            #expect(dump.status == .exited(0), "\(dump.errorText)")
            return dump.outputText
        }
    }

    /// `pg_dump` of the newest PostgreSQL installed (the version of the test cluster's server).
    static let pgDump: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin/pg_dump" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
