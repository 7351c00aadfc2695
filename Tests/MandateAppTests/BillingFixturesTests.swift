import Foundation
import MandateCore
import Testing

/// The signed samples of `Fixtures/webhooks/billing/`, made by `scripts/make-billing-fixtures.py`
/// with Python's `standardwebhooks`: verifying them here cross-checks our verifier against that
/// independent signer, and pins the documented body format.
@Suite("Billing webhook fixtures")
struct BillingFixturesTests {
    static let directory = TestApp.repositoryRoot.appendingPathComponent("Fixtures/webhooks/billing")

    /// One fixture file, parsed.
    struct Fixture: CustomStringConvertible {
        let name: String
        let description: String
        let webhookID: String
        let timestamp: Int64
        let headers: [String: String]
        let body: String

        init(url: URL) throws {
            name = url.lastPathComponent
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(name)")
            description = try #require(object["description"] as? String, "\(name): description")
            webhookID = try #require(object["webhookId"] as? String, "\(name): webhookId")
            timestamp = try #require((object["timestamp"] as? NSNumber)?.int64Value, "\(name): timestamp")
            headers = try #require(object["headers"] as? [String: String], "\(name): headers")
            body = try #require(object["body"] as? String, "\(name): body")
        }

        var date: Date { Date(timeIntervalSince1970: Double(timestamp)) }

        func verify(now: Date, secret: String = BillingWebhook.demoSecret) throws(WebhookVerificationError)
            -> VerifiedWebhook
        {
            try StandardWebhooks.verify(body: Array(body.utf8), headers: { headers[$0] }, secrets: [secret], now: now)
        }
    }

    static func fixtures() throws -> [Fixture] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            try Fixture(url: directory.appendingPathComponent(name))
        }
    }

    static func iso(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }

    @Test("the samples exist, cover every event type and have distinct ids and timestamps")
    func inventory() throws {
        let fixtures = try Self.fixtures()
        #expect(fixtures.count >= 6)
        var types: Set<String> = []
        for fixture in fixtures {
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(fixture.body.utf8)) as? [String: Any])
            types.insert(try #require(event["type"] as? String))
        }
        #expect(types == Set(BillingWebhook.EventType.allCases.map(\.rawValue)))
        #expect(Set(fixtures.map(\.timestamp)).count == fixtures.count)
        #expect(Set(fixtures.map(\.webhookID)).count == fixtures.count)
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(BillingWebhook.demoSecret))
        #expect(readme.contains("send-test-event"))
    }

    @Test("every sample verifies under the demo secret at its own timestamp, and only then")
    func verifiesAtItsTimestamp() throws {
        for fixture in try Self.fixtures() {
            #expect(fixture.headers["webhook-id"] == fixture.webhookID, "\(fixture)")
            #expect(fixture.headers["webhook-timestamp"] == String(fixture.timestamp), "\(fixture)")
            #expect(fixture.headers["webhook-signature"]?.hasPrefix("v1,") == true, "\(fixture)")
            let verified = try fixture.verify(now: fixture.date)
            #expect(verified.id == fixture.webhookID)
            #expect(verified.timestamp == fixture.date)

            // What a live server would do with the file as it is: too old.
            let late = #expect(throws: WebhookVerificationError.self, "\(fixture)") {
                try fixture.verify(now: fixture.date.addingTimeInterval(600))
            }
            #expect(late?.reason == .timestampTooOld)
            // A negative control: the check is not vacuous.
            let wrongSecret = #expect(throws: WebhookVerificationError.self, "\(fixture)") {
                try fixture.verify(now: fixture.date, secret: WebhookSecret.generate().text)
            }
            #expect(wrongSecret?.reason == .noMatchingSignature)
        }
    }

    @Test("every body is a documented billing event whose timestamp is the signing time")
    func bodiesFollowTheFormat() throws {
        let plans: Set<String> = ["free", "team", "business", "enterprise"]
        let tenants: Set<String> = ["globex", "hooli", "acme", "initech"]
        for fixture in try Self.fixtures() {
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(fixture.body.utf8)) as? [String: Any], "\(fixture)")
            #expect(Set(event.keys) == ["type", "timestamp", "data"], "\(fixture)")
            let type = try #require(
                (event["type"] as? String).flatMap(BillingWebhook.EventType.init(rawValue:)), "\(fixture)")
            #expect(Self.iso(event["timestamp"] as? String ?? "") == fixture.date, "\(fixture)")
            let data = try #require(event["data"] as? [String: Any], "\(fixture)")
            #expect(Set(data.keys).isSubset(of: ["tenantId", "plan", "status", "trialEndsAt"]), "\(fixture)")
            #expect(tenants.contains(data["tenantId"] as? String ?? ""), "\(fixture)")
            #expect(plans.contains(data["plan"] as? String ?? ""), "\(fixture)")
            let status = try #require(
                (data["status"] as? String).flatMap(SubscriptionStatus.init(rawValue:)), "\(fixture)")
            if let trialEndsAt = data["trialEndsAt"] {
                #expect(Self.iso(trialEndsAt as? String ?? "") != nil, "\(fixture)")
            }
            switch type {
            case .subscriptionCanceled: #expect(status == .canceled, "\(fixture)")
            case .trialEnded:
                #expect(status != .trialing, "\(fixture)")
                #expect(data["trialEndsAt"] != nil, "\(fixture)")
            case .subscriptionUpdated: break
            }
        }
    }

    @Test("the demo secret is a usable Standard Webhooks secret")
    func demoSecret() throws {
        #expect(throws: Never.self) { try WebhookSecret(BillingWebhook.demoSecret) }
    }
}
