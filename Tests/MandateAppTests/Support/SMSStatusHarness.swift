import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import MandateWeb
import SQLite
import Storage
import Testing

extension SMSStatusWebhookTests {
    /// A test app, the webhook route alone on a router, one queued SMS and the accepted secrets.
    struct Harness {
        let app: TestApp
        let routes: RouteHarness
        let secret = WebhookSecret.generate()
        let secrets: SecretList
        let messageID: String

        init() async throws {
            app = try await TestApp()
            let secrets = SecretList([])
            self.secrets = secrets
            secrets.current = [secret.text]
            let (database, clock) = (app.database, app.clock)
            routes = RouteHarness { router in
                SMSStatusRoutes(
                    database: database, clock: clock, secrets: { secrets.current },
                    logger: Logger(label: "test", level: .critical)
                ).register(on: router)
            }
            let now = clock.now()
            messageID = try await database.write { connection in
                try MessageStore.queueSMS(
                    SMSMessageRequest(tenantID: SMSStatusWebhookTests.tenantID, to: "+15550100", body: "Code 123456"),
                    on: connection, now: now
                ).messageID
            }
        }

        /// Posts `body` signed with `secret` (the harness's by default) at `timestamp` (now by default).
        func post(
            _ body: [UInt8], id: String = SignedWebhook.newID(), secret: WebhookSecret? = nil, timestamp: Date? = nil
        ) async -> TestApp.Response {
            let headers = SignedWebhook.headers(
                id: id, timestamp: timestamp ?? app.clock.now(), body: body, secret: secret ?? self.secret)
            return await routes.send(.post, "/webhooks/sms/status", body: body, headers: headers)
        }

        func status(_ status: String, id: String = SignedWebhook.newID()) async -> TestApp.Response {
            await post(SignedWebhook.smsStatus(messageID: messageID, status: status), id: id)
        }

        /// The message's status and update time, and how many webhook ids are recorded.
        func snapshot() async throws -> State {
            let stored = try await app.database.read { [messageID] connection in
                try MessageStore.message(id: messageID, on: connection)
            }
            let message = try #require(stored)
            let recorded: Int = try #require(try await app.query("SELECT count(*) AS n FROM inbound_webhooks").first)
                .decode("n")
            return State(status: message.status, updatedAt: message.updatedAt, recordedWebhooks: recorded)
        }

        /// `(tenant, details)` of every audit event with `action`, oldest first.
        func audits(_ action: String) async throws -> [(tenantID: String?, details: [String: Any])] {
            try await app.query("SELECT tenant_id, details FROM audit_events WHERE action = ? ORDER BY id", [action])
                .map { row in
                    let details = try JSONSerialization.jsonObject(
                        with: Data(try row.decode("details", as: String.self).utf8))
                    return (try row.decode("tenant_id"), details as? [String: Any] ?? [:])
                }
        }

        /// `details.reason` of every refusal, oldest first.
        func rejectionReasons() async throws -> [String] {
            try await audits(SMSStatusUpdates.rejectedAction).map { $0.details["reason"] as? String ?? "?" }
        }
    }

    struct State: Equatable {
        let status: MessageStatus
        let updatedAt: Date
        let recordedWebhooks: Int
    }
}
