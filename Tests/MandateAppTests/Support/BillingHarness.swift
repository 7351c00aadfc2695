import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import SQLite
import Storage
import Testing

/// A test app that accepts billing webhooks signed with `secret` (and `rotated`, during a rotation),
/// with an enterprise tenant `acme`: an owner, an admin, an enrolled member and one who is not.
struct BillingHarness {
    static let day: TimeInterval = 86_400

    let app: TestApp
    let secret = WebhookSecret.generate()
    let rotated = WebhookSecret.generate()
    let tenant: Tenant
    let enrolled: User
    let pending: User

    init(plan: String = "enterprise", status: SubscriptionStatus = .active, trialDays: Int? = nil) async throws {
        let secrets = [secret.text, rotated.text]
        app = try await TestApp { $0.billingWebhookSecrets = secrets }
        (tenant, _) = try await app.makeTenant(slug: "acme", plan: plan, status: status, trialDays: trialDays)
        _ = try await app.makeUser(tenant: "acme", email: "admin@acme.test", role: .admin, name: "Ada Admin")
        enrolled = try await app.makeUser(tenant: "acme", email: "enrolled@acme.test")
        pending = try await app.makeUser(tenant: "acme", email: "pending@acme.test")
        _ = try await app.enrollTOTP(try await app.login("acme", enrolled.email))
    }

    /// A fresh session of the owner (tests move the clock by days, past any session's idle time).
    func owner() async throws -> String {
        try await app.login("acme", "owner@acme.test")
    }

    /// A billing event body; `at` defaults to the clock's now.
    func event(
        _ type: String = "subscription.updated", plan: String? = "free", status: String? = "active", at: Date? = nil,
        tenant: String? = nil, trialEndsAt: Date? = nil
    ) -> [UInt8] {
        var data: [String: Any] = ["tenantId": tenant ?? self.tenant.id]
        if let plan { data["plan"] = plan }
        if let status { data["status"] = status }
        if let trialEndsAt { data["trialEndsAt"] = Timestamp.iso8601(trialEndsAt) }
        let object: [String: Any] = [
            "type": type, "timestamp": Timestamp.iso8601(at ?? app.clock.now()), "data": data,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Posts `body` signed by the independent Python implementation (`standardwebhooks` from PyPI)
    /// when it is installed, else by ours.
    func post(
        _ body: [UInt8], id: String = SignedWebhook.newID(), secret: WebhookSecret? = nil, timestamp: Date? = nil
    ) async throws -> TestApp.Response {
        let stamp = timestamp ?? app.clock.now()
        let key = secret ?? self.secret
        let signature =
            PythonSigner.isAvailable
            ? try await PythonSigner.sign(id: id, timestamp: stamp, body: body, secret: key.text)
            : StandardWebhooks.sign(id: id, timestamp: stamp, body: body, secret: key)
        return await send(
            body,
            headers: [
                ("webhook-id", id), ("webhook-timestamp", String(Int64(stamp.timeIntervalSince1970))),
                ("webhook-signature", signature),
            ])
    }

    func send(_ body: [UInt8], headers: [(String, String)]) async -> TestApp.Response {
        await app.request(.post, "/webhooks/billing", body: body, headers: headers)
    }

    /// The MFA status of `user` as the admin API shows it.
    func status(of user: User) async throws -> String? {
        let response = await app.request(.get, "/api/v1/users/\(user.id)", token: try await owner())
        return (response.json["mfa"] as? [String: Any])?["status"] as? String
    }

    func settings() async throws -> [String: Any] {
        await app.request(.get, "/api/v1/organization/settings", token: try await owner()).json
    }

    func billing() async throws -> TestApp.Response {
        await app.request(.get, "/api/v1/organization/billing", token: try await owner())
    }

    /// Emails queued with the "lifted" subject, by recipient.
    func liftEmails() async throws -> [String] {
        try await app.query(
            "SELECT recipient FROM messages WHERE subject LIKE 'MFA enforcement was lifted%' ORDER BY recipient"
        ).map { try $0.decode("recipient") }
    }

    func count(_ sql: String, _ parameters: [any SQLBindable] = []) async throws -> Int {
        try #require(try await app.query(sql, parameters).first).decode(0)
    }

    /// Org enforcement with 7 days, the pending member's own requirement, and a group policy
    /// covering everyone: every source of an enterprise plan.
    func enforceEverything() async throws {
        let owner = try await owner()
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        let required = await app.request(
            .patch, "/api/v1/users/\(pending.id)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 7])
        #expect(required.status == 200, "\(required.text)")
        let policy = await app.request(
            .post, "/api/v1/mfa-policies", token: owner,
            json: ["name": "Everyone", "includeAllUsers": true, "enrollmentDays": 7])
        #expect(policy.status == 201, "\(policy.text)")
    }
}
