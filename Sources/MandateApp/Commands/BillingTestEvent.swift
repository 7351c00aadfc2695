import Foundation
import HTTPServer
import MandateCore

/// One billing webhook ready to post (DESIGN.md §4): the body, signed per Standard Webhooks.
///
/// The body's `timestamp` and the `webhook-timestamp` header are the same instant, so a receiver
/// that orders events by the body's time and one that checks the header's age agree.
struct BillingTestEvent {
    /// `<base>/webhooks/billing`.
    var url: String
    /// What the event says, for the operator: `subscription.updated for acme`.
    var summary: String
    var body: [UInt8]
    /// `content-type`, then `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    var headers: [(name: String, value: String)]

    /// Signs `body` at `timestamp` (whole seconds) and addresses it to the billing path under `baseURL`.
    init(baseURL: String, summary: String, body: [UInt8], id: String, timestamp: Date, secret: WebhookSecret) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        url = base + BillingWebhook.path
        self.summary = summary
        self.body = body
        headers =
            [("content-type", "application/json")]
            + StandardWebhooks.headers(id: id, timestamp: timestamp, body: body, secret: secret)
    }

    /// `{"type", "timestamp", "data": {"tenantId", "plan"?, "status", "trialEndsAt"?}}` in that order.
    static func body(
        type: BillingWebhook.EventType, timestamp: Date, tenant: String, plan: String?, status: SubscriptionStatus,
        trialEndsAt: Date?
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { event in
            event.field("type", type.rawValue)
            event.field("timestamp", isoText(timestamp))
            event.key("data")
            event.object { data in
                data.field("tenantId", tenant)
                if let plan { data.field("plan", plan) }
                data.field("status", status.rawValue)
                if let trialEndsAt { data.field("trialEndsAt", isoText(trialEndsAt)) }
            }
        }
        return writer.bytes
    }

    /// The `body` of a fixture file (`Fixtures/webhooks/billing/*.json`) with its top-level
    /// `timestamp` set to `timestamp`, re-encoded with sorted keys; and a summary of it.
    ///
    /// - Throws: ``CommandLineError`` with `dataError` when the file is unreadable or not a fixture.
    static func fixtureBody(path: String, timestamp: Date) throws(CommandLineError) -> (
        body: [UInt8], summary: String
    ) {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandLineError(.dataError, "cannot read the fixture \(path): \(error.localizedDescription)")
        }
        guard let fixture = try? JSONSerialization.jsonObject(with: contents) as? [String: Any],
            let bodyText = fixture["body"] as? String
        else {
            throw CommandLineError(
                .dataError, "\(path) is not a webhook fixture: it needs a \"body\" string",
                hint: "See Fixtures/webhooks/billing/README.md for the format.")
        }
        guard var event = try? JSONSerialization.jsonObject(with: Data(bodyText.utf8)) as? [String: Any] else {
            throw CommandLineError(.dataError, "the \"body\" of \(path) is not a JSON object")
        }
        event["timestamp"] = isoText(timestamp)
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw CommandLineError(.dataError, "the \"body\" of \(path) cannot be re-encoded: \(error)")
        }
        let type = event["type"] as? String ?? "an event of no type"
        let tenant = (event["data"] as? [String: Any])?["tenantId"] as? String ?? "no tenant"
        return ([UInt8](body), "\(type) for \(tenant) (from \(URL(fileURLWithPath: path).lastPathComponent))")
    }

    /// `2026-11-22T10:00:00Z`: ISO 8601 in UTC, whole seconds.
    static func isoText(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }

    /// Parses an ISO 8601 date and time (`Z` or an offset; fractional seconds allowed).
    static func parseISO(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
