import ChildProcess
import DatabaseTestSupport
import Foundation
import FoundationNetworking
import Glibc
import MandateCore
import MandateJobs
import SQLite
import Storage
import Testing

/// The real `mandate worker` binary: killed with `kill -9` mid-delivery, and running next to a
/// `mandate serve` on the same database file.
@Suite("Real worker processes", .serialized)
struct WorkerProcessTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `mandate`, next to this test bundle in the build folder.
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mandate").path
    }()

    @Test("kill -9 mid-delivery loses nothing: another worker delivers every job, duplicates share the webhook-id")
    func killNineMidDelivery() async throws {
        let scratch = try ScratchDatabase(label: "workers")
        let path = scratch.argument
        let count = 40
        let messageIDs = try await Self.enqueueEmails(count, databasePath: path)
        // Each delivery takes 100 ms, so the first worker is surely mid-delivery when killed.
        let sink = try WebhookSink { _, _ in
            usleep(100_000)
            return .respond(status: 200)
        }
        defer { sink.stop() }
        let environment = [
            "MANDATE_EMAIL_WEBHOOK_URL": sink.url(), "MANDATE_EMAIL_WEBHOOK_SECRET": DeliveryFixture.secretText,
            "MANDATE_JOB_LEASE_SECONDS": "2", "MANDATE_WORKERS": "4",
        ]
        let first = try WorkerProcess(databasePath: path, environment: environment)
        #expect(await eventually(timeout: .seconds(30)) { sink.requests.count >= 8 })
        first.kill(SIGKILL)
        let deliveredBeforeKill = Set(sink.requests.compactMap(Self.messageID))
        #expect(deliveredBeforeKill.count < count, "the first worker finished before it was killed")

        let second = try WorkerProcess(databasePath: path, environment: environment)
        defer { second.kill(SIGTERM) }
        #expect(
            await eventually(timeout: .seconds(60)) {
                Set(sink.requests.compactMap(Self.messageID)).isSuperset(of: messageIDs)
            }, "delivered \(Set(sink.requests.compactMap(Self.messageID)).count) of \(count); log: \(second.log)")

        // At least once: every job was delivered; a duplicate (a delivery the killed worker made
        // but could not record) carries the same webhook-id, so a receiver can drop it.
        for request in sink.requests {
            #expect(request.header("webhook-id") == Self.messageID(request))
        }
        let monitor = try Database.open(DatabaseLocation(path), connections: 1)
        defer { monitor.close() }
        let settled = try await eventually(timeout: .seconds(20)) {
            try await Self.jobStates(monitor) == ["succeeded": count]
        }
        let states = try await Self.jobStates(monitor)
        #expect(settled, "job states: \(states)")
    }

    @Test("mandate serve and mandate worker writing at once never surface 'database is locked'")
    func serverAndWorkerTogether() async throws {
        let scratch = try ScratchDatabase(label: "shared")
        let path = scratch.argument
        let sink = try WebhookSink { _, _ in .respond(status: 200) }
        defer { sink.stop() }
        let environment = [
            "MANDATE_EMAIL_WEBHOOK_URL": sink.url(), "MANDATE_EMAIL_WEBHOOK_SECRET": DeliveryFixture.secretText,
        ]
        try await Self.createAcmeOwner(database: path)
        let server = try WorkerProcess(
            arguments: ["serve", "--port", "0", "--workers", "0"], databasePath: path, environment: environment)
        defer { server.kill(SIGTERM) }
        let worker = try WorkerProcess(
            databasePath: path, environment: environment.merging(["MANDATE_WORKERS": "8"]) { _, b in b })
        defer { worker.kill(SIGTERM) }
        #expect(await eventually(timeout: .seconds(30)) { server.log.contains("\"msg\":\"listening\"") })
        let port = try #require(server.listeningPort)
        let token = try await Self.login(port: port)
        // 60 invitations, 6 at a time: each writes a user, an invitation, an audit event, a
        // message and a job in the server process while the worker claims and completes jobs.
        let invites = 60
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            var results: [Int] = []
            for index in 0..<invites {
                if index >= 6 { results.append(try await group.next()!) }
                group.addTask {
                    try await Self.post(
                        port: port, path: "/api/v1/users", token: token,
                        json: ["email": "person\(index)@acme.test", "name": "Person \(index)"])
                }
            }
            for try await status in group { results.append(status) }
            return results
        }
        #expect(statuses.filter { $0 == 201 }.count == invites, "statuses: \(statuses)")
        #expect(
            await eventually(timeout: .seconds(60)) {
                Set(sink.requests.compactMap(Self.messageID)).count == invites
            }, "emails delivered: \(Set(sink.requests.compactMap(Self.messageID)).count)")
        for log in [server.log, worker.log] {
            #expect(!log.contains("database is locked"))
            #expect(!log.contains("SQLITE_BUSY"))
            #expect(
                !log.contains("\"level\":\"error\""), "\(log.split(separator: "\n").filter { $0.contains("error") })")
        }
    }

    /// The organization `acme` and its owner `owner@acme.test` (password "correct horse battery
    /// staple"), made with the command line as an operator would.
    static func createAcmeOwner(database: String) async throws {
        let created = try await runCommand(["tenant", "create", "--db", database, "--slug", "acme", "--name", "Acme"])
        #expect(created == 0)
        let owner = try await runCommand(
            [
                "user", "create", "--db", database, "--tenant", "acme", "--email", "owner@acme.test", "--role", "owner",
                "--password-stdin",
            ], input: "correct horse battery staple\n")
        #expect(owner == 0)
    }

    static func runCommand(_ arguments: [String], input: String? = nil) async throws -> Int32 {
        let result = try await ChildProcess.run(
            binary, arguments + ["--resources", repositoryRoot.path], input: Array((input ?? "").utf8), error: .null)
        return result.status.code
    }

    static func login(port: Int) async throws -> String {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/auth/login")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(
            withJSONObject: ["tenant": "acme", "email": "owner@acme.test", "password": "correct horse battery staple"])
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(object?["token"] as? String, "login failed: \(String(decoding: data, as: UTF8.self))")
    }

    static func post(port: Int, path: String, token: String, json: [String: String]) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    // MARK: Helpers

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Creates (and migrates with the whole schema, as the binary will) and fills a database.
    static func enqueueEmails(_ count: Int, databasePath: String) async throws -> Set<String> {
        let database = try Database.open(DatabaseLocation(databasePath), connections: 1)
        defer { database.close() }
        _ = try await Schema.migrator(for: database.dialect).migrate(database)
        return try await enqueueEmails(count, into: database, tag: "crash")
    }

    static func enqueueEmails(_ count: Int, into database: Database, tag: String) async throws -> Set<String> {
        if try await Schema.migrator(for: database.dialect).pendingIDs(database).isEmpty == false {
            _ = try await Schema.migrator(for: database.dialect).migrate(database)
        }
        let ids = try await database.write { connection in
            try (0..<count).map { index in
                try MessageStore.queueEmail(
                    EmailMessageRequest(
                        tenantID: nil, to: "user\(index)@\(tag).test", subject: "Hello \(index)", text: "Hi",
                        html: "<p>Hi</p>"),
                    on: connection, now: Date()
                ).messageID
            }
        }
        return Set(ids)
    }

    static func messageID(_ request: SinkRequest) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        return (object?["data"] as? [String: Any])?["messageId"] as? String
    }

    static func jobStates(_ database: Database) async throws -> [String: Int] {
        let rows = try await database.read { connection in
            try connection.query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        }
        var states: [String: Int] = [:]
        for row in rows { states[try row.decode("state")] = try row.decode("n") }
        return states
    }
}

/// A `mandate worker` child process with its output collected.
final class WorkerProcess: Sendable {
    private let process: ChildProcess

    init(arguments: [String] = ["worker"], databasePath: String, environment: [String: String]) throws {
        process = try ChildProcess(
            WorkerProcessTests.binary,
            arguments + [
                "--db", databasePath, "--resources", WorkerProcessTests.repositoryRoot.path, "--log-level", "info",
            ],
            environment: environment, output: .collect, error: .sameAsOutput)
    }

    var log: String { process.outputText }

    /// The port of a `serve` process, from its "listening" log line.
    var listeningPort: Int? {
        for line in log.split(separator: "\n") where line.contains("\"msg\":\"listening\"") {
            if let range = line.range(of: "\"port\":") { return Int(line[range.upperBound...].prefix { $0.isNumber }) }
        }
        return nil
    }

    /// The lease owner of a process running job workers, from its "job workers started" log line.
    var workerOwnerID: String? {
        for line in log.split(separator: "\n") where line.contains("\"msg\":\"job workers started\"") {
            if let range = line.range(of: "\"worker\":\"") {
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
        }
        return nil
    }

    func kill(_ signal: Int32) {
        process.signal(signal)
    }
}
