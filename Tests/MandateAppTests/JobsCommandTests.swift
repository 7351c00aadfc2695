import DatabaseTestSupport
import Foundation
import MandateCore
import SQLite
import Storage
import Testing

@testable import MandateApp

/// `mandate jobs …` run in-process against a database the test fills with `Outbox.enqueue`
/// (the end-to-end suite checks the same command through the real binary).
@Suite("mandate jobs")
struct JobsCommandTests {
    /// A fresh migrated database file, open for the test to arrange and inspect rows.
    struct Fixture {
        let scratch: ScratchDatabase
        let path: String
        let database: Database

        init() async throws {
            scratch = try ScratchDatabase(label: "jobscommand", template: .mandateSchema)
            path = scratch.argument
            database = try scratch.open(connections: 1)
            _ = try await Schema.migrator(for: database.dialect).migrate(database)
        }

        /// Enqueues a job now and returns its id.
        @discardableResult
        func enqueue(_ job: NewJob) async throws -> Int64 {
            let now = Date()
            return try #require(
                try await database.write { connection in try Outbox.enqueue(job, on: connection, now: now) })
        }

        /// Marks a job dead, finished `daysAgo` days ago, with a last error.
        func kill(_ id: Int64, reason: String = "failed", daysAgo: Double = 0, error: String = "http_400: bad request")
            async throws
        {
            let finished = Date().addingTimeInterval(-daysAgo * 86_400)
            _ = try await database.write { connection in
                try connection.run(
                    """
                    UPDATE jobs SET state = 'dead', dead_reason = ?, attempts = max_attempts, last_error = ?,
                        finished_at = ?, updated_at = ? WHERE id = ?
                    """, reason, error, finished, finished, id)
            }
        }

        func state(of id: Int64) async throws -> String? {
            try await database.read { connection in
                try connection.queryOne("SELECT state FROM jobs WHERE id = ?", id)?.decode(0, as: String.self)
            }
        }

        /// Runs `mandate jobs <arguments> --db <this file>`: the exit code and the printed text.
        func run(_ arguments: [String]) async -> (code: ExitCode, output: String, error: CommandLineError?) {
            let collector = OutputCollector()
            do {
                let code = try await JobsCommand.run(
                    arguments + ["--db", path, "--resources", TestApp.repositoryRoot.path], environment: [:]
                ) { collector.lines.append($0) }
                return (code, collector.text, nil)
            } catch {
                return (error.exitCode, collector.text, error)
            }
        }

        func close() {
            database.close()
        }
    }

    /// Collects the command's output (used from one task at a time).
    final class OutputCollector {
        var lines: [String] = []
        var text: String { lines.joined(separator: "\n") }
    }

    static func smsJob(code: String = "731904") throws -> NewJob {
        try NewJob(
            kind: JobKind.smsSend,
            payload: SMSSendPayload(
                messageId: "msg_test", to: "+15550100", body: "Your code is \(code)", tenantId: "ten_a"),
            tenantID: "ten_a")
    }

    @Test("list prints counts by state, then the jobs as an aligned table, newest first")
    func list() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let empty = await fixture.run(["list"])
        #expect(empty.code == .success)
        #expect(empty.output.contains("No jobs match."))

        let first = try await fixture.enqueue(try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8)))
        let second = try await fixture.enqueue(try Self.smsJob())
        try await fixture.kill(second, error: "http_500: upstream\nexploded")
        let result = await fixture.run(["list"])
        #expect(result.code == .success)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("STATE") == true)
        #expect(lines.contains { $0.hasPrefix("queued") && $0.hasSuffix(" 1") })
        #expect(lines.contains { $0.hasPrefix("dead") && $0.hasSuffix(" 1") })
        #expect(lines.contains { $0.hasPrefix("succeeded") && $0.hasSuffix(" 0") })
        let header = try #require(lines.first { $0.hasPrefix("ID") })
        let rows = lines.drop { $0 != header }.dropFirst().filter { !$0.isEmpty }
        #expect(rows.count == 2)
        #expect(rows.first?.hasPrefix(String(second)) == true)
        #expect(rows.last?.hasPrefix(String(first)) == true)
        // Columns line up: KIND starts at the same offset in the header and every row.
        let kindColumn = try #require(header.range(of: "KIND")).lowerBound.utf16Offset(in: header)
        for row in rows {
            let offset = try #require(row.range(of: row.contains("sms.send") ? "sms.send" : "noop")).lowerBound
            #expect(offset.utf16Offset(in: row) == kindColumn)
        }
        #expect(result.output.contains("dead (failed)"))
        #expect(result.output.contains("http_500: upstream exploded"))
        #expect(!result.output.contains("731904"))

        let deadOnly = await fixture.run(["list", "--state", "dead"])
        #expect(deadOnly.output.contains("sms.send"))
        #expect(!deadOnly.output.contains("noop"))
        let byKind = await fixture.run(["list", "--kind", "noop", "--limit", "1"])
        #expect(byKind.output.contains("noop"))
        #expect(!byKind.output.contains("sms.send"))
    }

    @Test("a bad state name is a usage error (64)")
    func badState() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let result = await fixture.run(["list", "--state", "finished"])
        #expect(result.code == .usage)
        #expect(result.error?.message.contains("--state must be one of queued, running, succeeded, dead") == true)
        #expect(await fixture.run(["frobnicate"]).code == .usage)
        #expect(await fixture.run(["show"]).code == .usage)
        #expect(await fixture.run(["show", "abc"]).code == .usage)
        #expect(await fixture.run(["list", "--reveal"]).code == .usage)
    }

    @Test("show prints every field, withholds SMS codes and email bodies unless --reveal, 65 for an unknown id")
    func show() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let id = try await fixture.enqueue(try Self.smsJob(code: "482913"))
        let shown = await fixture.run(["show", String(id)])
        #expect(shown.code == .success)
        #expect(shown.output.contains("Job \(id)"))
        #expect(shown.output.contains("\"to\" : \"+15550100\"") || shown.output.contains("\"to\": \"+15550100\""))
        #expect(shown.output.contains("[redacted: 19 characters; --reveal shows it]"))
        #expect(!shown.output.contains("482913"))
        let revealed = await fixture.run(["show", String(id), "--reveal"])
        #expect(revealed.output.contains("Your code is 482913"))
        // A finished SMS job has forgotten its text (the one-time code): nothing left to reveal.
        try await fixture.kill(id, reason: "exhausted", error: "timeout after 15 s")
        let dead = await fixture.run(["show", String(id), "--reveal"])
        #expect(dead.output.contains("dead (exhausted)"))
        #expect(dead.output.contains("timeout after 15 s"))
        #expect(dead.output.contains("[erased]"))
        #expect(!dead.output.contains("482913"))

        let email = try await fixture.enqueue(
            try NewJob(
                kind: JobKind.emailSend,
                payload: EmailSendPayload(
                    messageId: "msg_e", to: "ada@example.test", subject: "Hi", text: "Body text", html: "<p>x</p>",
                    tenantId: nil)))
        let emailShown = await fixture.run(["show", String(email)]).output
        #expect(emailShown.contains("ada@example.test"))
        #expect(emailShown.contains("[redacted: 9 characters; --reveal shows it]"))
        #expect(!emailShown.contains("Body text"))
        #expect(await fixture.run(["show", String(email), "--reveal"]).output.contains("Body text"))

        let missing = await fixture.run(["show", "9999"])
        #expect(missing.code == .dataError)
        #expect(missing.error?.message == "no job has id 9999")
    }

    @Test("retry puts a dead job back; a live job is refused (1) and an unknown id is 65")
    func retry() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let dead = try await fixture.enqueue(try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8)))
        try await fixture.kill(dead)
        let retried = await fixture.run(["retry", String(dead)])
        #expect(retried.code == .success)
        #expect(retried.output.contains("queued again"))
        #expect(try await fixture.state(of: dead) == "queued")
        let again = await fixture.run(["retry", String(dead)])
        #expect(again.code == .failure)
        #expect(again.error?.message.contains("only dead jobs can be retried") == true)
        #expect(await fixture.run(["retry", "424242"]).code == .dataError)
    }

    @Test("retrying a job whose deadline passed warns that it will expire again")
    func retryExpired() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let job = try NewJob(
            kind: JobKind.smsSend, payloadJSON: Array(#"{"body":"Code 1"}"#.utf8),
            runAt: Date().addingTimeInterval(-700), notAfter: Date().addingTimeInterval(-100))
        let id = try await fixture.database.write { connection in
            try Outbox.enqueue(job, on: connection, now: Date().addingTimeInterval(-700))
        }
        try await fixture.kill(try #require(id), reason: "expired")
        let result = await fixture.run(["retry", String(try #require(id))])
        #expect(result.code == .success)
        #expect(result.output.contains("will expire again"))
    }

    @Test("purge-dead deletes only dead jobs older than the cut-off")
    func purgeDead() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let old = try await fixture.enqueue(try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8)))
        let recent = try await fixture.enqueue(try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8)))
        let queued = try await fixture.enqueue(try NewJob(kind: JobKind.noop, payloadJSON: Array("{}".utf8)))
        try await fixture.kill(old, daysAgo: 40)
        try await fixture.kill(recent, daysAgo: 2)
        let result = await fixture.run(["purge-dead"])
        #expect(result.code == .success)
        #expect(result.output.contains("Deleted 1 dead job that died more than 30 days ago."))
        #expect(try await fixture.state(of: old) == nil)
        #expect(try await fixture.state(of: recent) == "dead")
        #expect(try await fixture.state(of: queued) == "queued")
        let all = await fixture.run(["purge-dead", "--older-than-days", "1"])
        #expect(all.output.contains("Deleted 1 dead job"))
        #expect(try await fixture.state(of: recent) == nil)
    }

    @Test("endpoints lists the ones a 410 disabled; enable-endpoint enables one")
    func endpoints() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let before = await fixture.run(["endpoints"])
        #expect(before.code == .success)
        #expect(before.output.contains("sms"))
        #expect(!before.output.contains("disabled"))
        _ = try await fixture.database.write { connection in
            try connection.run(
                "INSERT INTO webhook_endpoints (name, disabled_at, disabled_reason) VALUES ('sms', ?, '410 Gone')",
                Date())
        }
        let listed = await fixture.run(["endpoints"])
        #expect(listed.output.contains("disabled"))
        #expect(listed.output.contains("410 Gone"))
        let enabled = await fixture.run(["enable-endpoint", "sms"])
        #expect(enabled.code == .success)
        #expect(enabled.output.contains("enabled again"))
        let disabledAt = try await fixture.database.read { connection in
            try connection.queryOne("SELECT disabled_at FROM webhook_endpoints WHERE name = 'sms'")?
                .decode(0, as: Date?.self)
        }
        #expect(disabledAt == nil)
        let noop = await fixture.run(["enable-endpoint", "email"])
        #expect(noop.output.contains("not disabled"))
        #expect(await fixture.run(["enable-endpoint"]).code == .usage)
    }
}
