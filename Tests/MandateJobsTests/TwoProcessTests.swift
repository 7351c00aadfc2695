import Foundation
import HTTPClient
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage
import Testing

@Suite("Two Database instances on one file (server and worker processes)")
struct TwoProcessTests {
    @Test("both run workers and producers at once: no lock errors, every job delivered exactly once")
    func sharedFile() async throws {
        let temp = try TemporaryDatabase()
        let second = try temp.openAnother()
        defer { second.close() }
        let sink = try WebhookSink(always: 200)
        defer { sink.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let logs = CapturingLogSink()
        let logger = capturingLogger(logs)
        let gateway = try WebhookGateway(name: "sms", url: sink.url("/sms"), secret: DeliveryFixture.secretText)

        var pools: [WorkerPool] = []
        var queues: [JobQueue] = []
        for (index, database) in [temp.database, second].enumerated() {
            let queue = JobQueue(database: database)
            let deliverer = WebhookDeliverer(client: client, endpoints: WebhookEndpoints(database: database))
            queues.append(queue)
            pools.append(
                try WorkerPool(
                    queue: queue,
                    handlers: JobHandlerRegistry([SMSDeliveryHandler(gateway: gateway, deliverer: deliverer)]),
                    // A lease far longer than the test. Once, in a parallel run of hundreds of tests
                    // on two cores (load 14–30), this test saw 313 deliveries for 300 jobs, the
                    // duplicates sharing their webhook-id and nothing logged: most likely claimed
                    // jobs waited longer than the default 60 s lease for a thread, and the other
                    // pool took them back. At-least-once allows that; lease expiry has tests of its
                    // own (CrashRecoveryTests). Here every delivery must be the only one.
                    configuration: .init(
                        concurrency: 8, claimBatchSize: 8, pollInterval: .milliseconds(20),
                        leaseDuration: .seconds(600),
                        ownerID: "process-\(index)"),
                    logger: logger))
        }
        let runs = pools.map { pool in Task { try await pool.run() } }

        // Producers in both "processes": each write transaction records a few messages.
        let perProducer = 150
        try await withThrowingTaskGroup(of: Void.self) { group in
            for database in [temp.database, second] {
                group.addTask {
                    for batch in 0..<(perProducer / 5) {
                        try await database.write { connection in
                            for index in 0..<5 {
                                _ = try MessageStore.queueSMS(
                                    SMSMessageRequest(
                                        tenantID: "t", to: "+1555\(batch)\(index)", body: "code",
                                        expiresAt: Date().addingTimeInterval(600)), on: connection, now: Date())
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = perProducer * 2
        let done = await eventually(timeout: .seconds(60)) {
            (try? await queues[0].stats().countsByState[.succeeded]) == total
        }
        #expect(done)
        for pool in pools { await pool.shutdown() }
        for run in runs { try await run.value }

        let ids = sink.requests.compactMap { $0.header("webhook-id") }
        #expect(ids.count == total)
        #expect(Set(ids).count == total)
        let errors = logs.lines.filter { $0.contains("\"level\":\"error\"") || $0.contains("locked") }
        #expect(errors.isEmpty, "\(errors.prefix(3))")
        let sent = try await temp.database.read { connection in
            try connection.queryOne("SELECT count(*) FROM messages WHERE status = 'sent'")?.decode(0, as: Int.self)
        }
        #expect(sent == total)
    }
}
