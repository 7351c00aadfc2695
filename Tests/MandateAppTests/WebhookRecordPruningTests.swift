import Foundation
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Every inbound webhook writes a row, even a refused one: `Housekeeping.pruneWebhookRecords`
/// (the scheduler's `webhooks.prune-records`) keeps those tables bounded without forgetting what
/// still matters.
@Suite("Pruning webhook records")
struct WebhookRecordPruningTests {
    @Test("old webhook ids and old tenant-less billing refusals go; recent ones and tenants' history stay")
    func prunes() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        let now = app.clock.now()
        @Sendable func ago(days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
        _ = try await app.database.write { connection in
            for (id, received) in [("msg_old", ago(days: 8)), ("msg_recent", ago(days: 6))] {
                try InboundWebhookStore.record(
                    webhookID: id, source: "billing", outcome: "applied", on: connection, now: received)
            }
            for (tenantID, received) in [
                (nil, ago(days: 31)), (nil, ago(days: 29)), (Optional(tenant.id), ago(days: 400)),
            ] {
                try connection.run(
                    "INSERT INTO billing_events (tenant_id, received_at, outcome, reason) VALUES (?, ?, 'rejected', 'x')",
                    tenantID, received)
            }
        }
        let removed = try await Housekeeping(environment: app.environment).pruneWebhookRecords()
        #expect(removed.webhookIDs == 1)
        #expect(removed.billingEvents == 1)
        let ids = try await app.query("SELECT webhook_id FROM inbound_webhooks").map {
            try $0.decode(0, as: String.self)
        }
        #expect(ids == ["msg_recent"])
        let kept = try await app.query("SELECT tenant_id FROM billing_events ORDER BY received_at")
        #expect(try kept.map { try $0.decode(0, as: String?.self) } == [tenant.id, nil])
        // Nothing left to prune: a second run removes nothing.
        let again = try await Housekeeping(environment: app.environment).pruneWebhookRecords()
        #expect(again.webhookIDs == 0 && again.billingEvents == 0)
    }
}
