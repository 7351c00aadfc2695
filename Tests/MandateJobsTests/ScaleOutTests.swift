import DatabaseTestSupport
import Foundation
import FoundationNetworking
import Glibc
import Lifecycle
import MandateCore
import SQLite
import Storage
import Synchronization
import Testing

/// Several instances on one PostgreSQL database, as operators scale out: two `mandate serve`
/// and two `mandate worker` processes, one server and one worker killed with `kill -9` under load.
@Suite("Scale-out: two servers and two workers on one PostgreSQL database", .serialized)
struct ScaleOutTests {
    /// What the clients saw.
    final class Load: Sendable {
        private struct State {
            var invited: Set<String> = []
            var signIns = [0, 0]
            var invitesAccepted = [0, 0]
            var failedOnKilled: [String] = []
            var failedOnSurvivor: [String] = []
            var failedSignIns = 0
            var inFlight = [0, 0]
            var killed = false
        }
        private let state = Mutex(State())

        var killed: Bool { state.withLock { $0.killed } }
        func markKilled() { state.withLock { $0.killed = true } }
        var invited: Set<String> { state.withLock { $0.invited } }
        var sent: Int { state.withLock { $0.invitesAccepted.reduce(0, +) + $0.failedOnKilled.count } }
        var signIns: [Int] { state.withLock { $0.signIns } }
        var invitesAccepted: [Int] { state.withLock { $0.invitesAccepted } }
        var failedOnKilled: [String] { state.withLock { $0.failedOnKilled } }
        var failedOnSurvivor: [String] { state.withLock { $0.failedOnSurvivor } }

        /// Runs one request to `server`, counted as in flight meanwhile.
        func request<T>(to server: Int, _ body: () async throws -> T) async rethrows -> T {
            state.withLock { $0.inFlight[server] += 1 }
            defer { state.withLock { $0.inFlight[server] -= 1 } }
            return try await body()
        }
        func inFlight(on server: Int) -> Int { state.withLock { $0.inFlight[server] } }

        func signedIn(on server: Int) { state.withLock { $0.signIns[server] += 1 } }
        func accepted(_ email: String, on server: Int) {
            state.withLock {
                $0.invited.insert(email)
                $0.invitesAccepted[server] += 1
            }
        }
        func failedSignIn(on server: Int) {
            state.withLock { state in
                if server == ScaleOutTests.killedServer {
                    state.failedSignIns += 1
                } else {
                    state.failedOnSurvivor.append("a sign-in")
                }
            }
        }
        var failedSignIns: Int { state.withLock { $0.failedSignIns } }
        /// An invitation that got no 201: on the killed server it is excluded, on the other a failure.
        func failed(_ what: String, on server: Int) {
            state.withLock { state in
                if server == ScaleOutTests.killedServer {
                    state.failedOnKilled.append(what)
                } else {
                    state.failedOnSurvivor.append(what)
                }
            }
        }
    }

    /// Server 1 and worker 0 are killed.
    static let killedServer = 1

    @Test(
        "two servers and two workers: sign-ins and invitations through both, kill -9 of a server and a worker, every accepted invitation delivered once per webhook-id",
        .enabled(if: TestDatabaseEngine.dialect == .postgres, "several instances share one PostgreSQL database"))
    func twoServersTwoWorkers() async throws {
        let started = ContinuousClock.now
        let scratch = try ScratchDatabase(label: "scaleout")
        let url = scratch.argument
        // Each delivery takes 200 ms: the eight deliveries at a time fall behind the invitations,
        // so a worker killed under load holds jobs it is delivering.
        let sink = try WebhookSink { _, _ in
            usleep(200_000)
            return .respond(status: 200)
        }
        defer { sink.stop() }
        let environment = [
            "MANDATE_EMAIL_WEBHOOK_URL": sink.url(), "MANDATE_EMAIL_WEBHOOK_SECRET": DeliveryFixture.secretText,
            "MANDATE_JOB_LEASE_SECONDS": "2", "MANDATE_WORKERS": "4",
        ]
        try await WorkerProcessTests.createAcmeOwner(database: url)

        let servers = try (0..<2).map { _ in
            try WorkerProcess(
                arguments: ["serve", "--port", "0", "--workers", "0"], databasePath: url, environment: environment)
        }
        var workers = try (0..<2).map { _ in try WorkerProcess(databasePath: url, environment: environment) }
        defer { for process in servers + workers { process.kill(SIGTERM) } }
        #expect(await eventually(timeout: .seconds(30)) { servers.allSatisfy { $0.listeningPort != nil } })
        let ports = try servers.map { try #require($0.listeningPort) }

        // Two clients, each signing in through one server and inviting through the other, then
        // the other way round. Once the kill has happened, everything goes to the survivor.
        let load = Load()
        let rounds = 10
        let invitesPerRound = 6
        let clients = (0..<2).map { client in
            Task {
                for round in 0..<rounds {
                    var signInServer = (client + round) % 2
                    var inviteServer = 1 - signInServer
                    if load.killed {
                        signInServer = 1 - Self.killedServer
                        inviteServer = signInServer
                    }
                    var token = try? await load.request(to: signInServer) {
                        try await WorkerProcessTests.login(port: ports[signInServer])
                    }
                    if token == nil {
                        // The killed server: sign in through the other one instead.
                        load.failedSignIn(on: signInServer)
                        signInServer = 1 - Self.killedServer
                        token = try? await WorkerProcessTests.login(port: ports[signInServer])
                    }
                    guard let token else {
                        load.failedSignIn(on: signInServer)
                        return
                    }
                    load.signedIn(on: signInServer)
                    await withTaskGroup(of: Void.self) { group in
                        for index in 0..<invitesPerRound {
                            let email = "c\(client)r\(round)i\(index)@acme.test"
                            let server = load.killed ? 1 - Self.killedServer : inviteServer
                            group.addTask {
                                let status = try? await load.request(to: server) {
                                    try await WorkerProcessTests.post(
                                        port: ports[server], path: "/api/v1/users", token: token,
                                        json: ["email": email, "name": "Person \(email)"])
                                }
                                if status == 201 {
                                    load.accepted(email, on: server)
                                } else {
                                    load.failed(
                                        "invite \(email): \(status.map(String.init) ?? "no answer")", on: server)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Kill a server and a worker while invitations and deliveries are in flight: once a third
        // of the invitations went out, the server has a request in flight and the worker holds
        // leased jobs (each delivery takes 200 ms, so it is mid-delivery).
        let total = 2 * rounds * invitesPerRound
        let monitor = try scratch.open(connections: 1)
        defer { monitor.close() }
        let doomedWorker = try #require(await Self.ownerID(of: workers[0]))
        let ready = try await eventually(timeout: .seconds(30)) {
            guard load.sent >= total / 3, load.inFlight(on: Self.killedServer) > 0 else { return false }
            return try await Self.runningJobs(of: doomedWorker, in: monitor) > 0
        }
        #expect(ready, "sent \(load.sent), deliveries \(sink.requests.count)")
        servers[Self.killedServer].kill(SIGKILL)
        workers[0].kill(SIGKILL)
        load.markKilled()
        workers.append(try WorkerProcess(databasePath: url, environment: environment))
        for client in clients { await client.value }

        let invited = load.invited
        #expect(load.failedOnSurvivor.isEmpty, "the surviving server failed: \(load.failedOnSurvivor)")
        #expect(load.invitesAccepted.allSatisfy { $0 > 0 } && load.signIns.allSatisfy { $0 > 0 })
        #expect(invited.count + load.failedOnKilled.count == total)
        #expect(invited.count >= total / 2)

        // Every accepted invitation is delivered (a request the killed server never answered may
        // have been committed too: its email is delivered as well, but not counted on).
        func deliveredAddresses() -> Set<String> { Set(sink.requests.compactMap(Self.recipient)) }
        #expect(
            await eventually(timeout: .seconds(30)) { deliveredAddresses().isSuperset(of: invited) },
            "delivered \(invited.intersection(deliveredAddresses()).count) of \(invited.count) accepted invitations")
        let settled = try await eventually(timeout: .seconds(20)) {
            try await WorkerProcessTests.jobStates(monitor).keys.allSatisfy { $0 == "succeeded" }
        }
        let states = try await WorkerProcessTests.jobStates(monitor)
        #expect(settled, "job states: \(states)")

        // At least once, deduplicated by webhook-id: one webhook-id per job, never shared by two
        // messages; a duplicate (a delivery the killed worker made but could not record) repeats
        // the same message under the same webhook-id.
        let requests = sink.requests
        let jobs = states.values.reduce(0, +)
        var messagesByWebhookID: [String: Set<String>] = [:]
        for request in requests {
            let webhookID = try #require(request.header("webhook-id"))
            #expect(webhookID == WorkerProcessTests.messageID(request))
            messagesByWebhookID[webhookID, default: []].insert(String(decoding: request.body, as: UTF8.self))
        }
        #expect(messagesByWebhookID.count == jobs, "\(messagesByWebhookID.count) webhook-ids for \(jobs) jobs")
        #expect(messagesByWebhookID.values.allSatisfy { $0.count == 1 })
        let duplicates = requests.count - messagesByWebhookID.count
        // The jobs the killed worker held were taken back and delivered by another worker.
        let retaken = try await monitor.read { connection in
            try connection.queryOne("SELECT count(*) FROM jobs WHERE attempts > 1")?.decode(0, as: Int.self) ?? 0
        }
        #expect(retaken > 0, "no job of the killed worker was taken back")

        for (index, server) in servers.enumerated() {
            let errors = server.log.split(separator: "\n").filter { line in
                line.contains("\"level\":\"error\"")
                    && ["database", "Postgres", "storage", "SQL"].contains { line.contains($0) }
            }
            #expect(errors.isEmpty, "server \(index): \(errors.prefix(3))")
        }
        print(
            "scale-out: \(invited.count) invitations accepted, \(load.failedOnKilled.count) lost with the killed "
                + "server, sign-ins \(load.signIns) (\(load.failedSignIns) lost), \(jobs) jobs, \(requests.count) deliveries (\(duplicates) "
                + "duplicates, \(retaken) jobs taken back from the killed worker) in \(ContinuousClock.now - started)")
    }

    /// The lease owner of a worker process, once it has started.
    static func ownerID(of worker: WorkerProcess) async -> String? {
        _ = await eventually(timeout: .seconds(30)) { worker.workerOwnerID != nil }
        return worker.workerOwnerID
    }

    static func runningJobs(of owner: String, in database: Database) async throws -> Int {
        try await database.read { connection in
            try connection.queryOne(
                "SELECT count(*) FROM jobs WHERE state = 'running' AND lease_owner = ?", owner)?
                .decode(0, as: Int.self) ?? 0
        }
    }

    static func recipient(_ request: SinkRequest) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        return (object?["data"] as? [String: Any])?["to"] as? String
    }
}
