import Foundation
import HTTPClient
import Lifecycle
import MandateCore
import MandateJobs
import SQLite
import Storage

/// Everything a delivery test needs: a fresh database, a manual clock, a scripted sink, the SMS
/// and email gateways pointing at it, and a worker pool driven step by step with
/// `processDueJobs()`.
final class DeliveryFixture: Sendable {
    static let secretText = WebhookSecret.generate().text

    let temp: TemporaryDatabase
    let clock: ManualClock
    let sink: WebhookSink
    let client: HTTPClient
    let endpoints: WebhookEndpoints
    let queue: JobQueue
    let pool: WorkerPool
    let logSink = CapturingLogSink()

    init(
        totalTimeout: Duration = .seconds(5), leaseDuration: Duration = .seconds(60),
        script: @escaping @Sendable (SinkRequest, Int) -> SinkBehavior
    ) throws {
        temp = try TemporaryDatabase()
        let clock = ManualClock()
        self.clock = clock
        sink = try WebhookSink(clock: { clock.now() }, script: script)
        client = HTTPClient(configuration: .init(connectTimeout: .seconds(2), totalTimeout: totalTimeout))
        endpoints = WebhookEndpoints(database: temp.database, clock: clock)
        let deliverer = WebhookDeliverer(client: client, endpoints: endpoints, clock: clock)
        let sms = try WebhookGateway(name: "sms", url: sink.url("/sms"), secret: Self.secretText)
        let email = try WebhookGateway(name: "email", url: sink.url("/email"), secret: Self.secretText)
        queue = JobQueue(database: temp.database, clock: clock)
        pool = try WorkerPool(
            queue: queue,
            handlers: JobHandlerRegistry([
                SMSDeliveryHandler(gateway: sms, deliverer: deliverer),
                EmailDeliveryHandler(gateway: email, deliverer: deliverer),
            ]),
            configuration: .init(leaseDuration: leaseDuration, ownerID: "test-worker"),
            logger: Logger(label: "test", sink: logSink, clock: clock))
    }

    deinit {
        sink.stop()
        client.shutdown()
    }

    /// Records an SMS code valid for `validFor` (the job's deadline).
    func queueSMS(to: String = "+15550100", validFor: TimeInterval = 600) async throws -> QueuedMessage {
        let clock = self.clock
        return try await temp.database.write { connection in
            try MessageStore.queueSMS(
                SMSMessageRequest(
                    tenantID: "tenant-1", userID: "user-1", to: to, body: "Your code is 042042",
                    expiresAt: clock.now().addingTimeInterval(validFor)), on: connection, now: clock.now())
        }
    }

    /// Records an email.
    func queueEmail() async throws -> QueuedMessage {
        let clock = self.clock
        return try await temp.database.write { connection in
            try MessageStore.queueEmail(
                EmailMessageRequest(
                    tenantID: "tenant-1", to: "ada@example.com", subject: "MFA is now required",
                    text: "Set up MFA", html: "<p>Set up MFA</p>"), on: connection, now: clock.now())
        }
    }

    func job(_ id: Int64) async throws -> JobRecord? {
        try await queue.show(id: id)
    }

    func message(_ id: String) async throws -> Message? {
        try await temp.database.read { try MessageStore.message(id: id, on: $0) }
    }

    /// The requests the sink received, each checked with our own verifier.
    func verifiedRequests() throws -> [SinkRequest] {
        let requests = sink.requests
        for request in requests {
            try StandardWebhooks.verify(
                body: request.body, headers: { request.header($0) }, secrets: [Self.secretText], now: request.receivedAt
            )
        }
        return requests
    }
}
