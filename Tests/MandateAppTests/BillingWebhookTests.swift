import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Billing webhooks and plan changes (issue 7; DESIGN.md §3 "Plans and entitlements", the downgrade
/// rules under "Enforcement", §4; SECURITY.md "Webhooks"). Events are signed by the independent
/// Python implementation of Standard Webhooks when the test virtualenv is installed.
@Suite("Billing webhooks")
struct BillingWebhookTests {
    static let day = BillingHarness.day

    @Test("a downgrade in the middle of an enrollment period lifts every source in one go; factors stay")
    func downgradeDuringEnrollmentPeriod() async throws {
        let harness = try await BillingHarness()
        let app = harness.app
        try await harness.enforceEverything()
        app.clock.advance(by: 2 * Self.day)
        #expect(try await harness.status(of: harness.pending) == "enrollment_period")
        let factorsBefore = try await harness.count("SELECT COUNT(*) FROM mfa_factors")

        let response = try await harness.post(harness.event(plan: "free"))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.string("status") == "applied")
        #expect(
            response.json["lifted"] as? [String]
                == ["organization", "user_requirements", "group_policies"])

        // Statuses return to not_enrolled / enrolled; no factor was removed.
        #expect(try await harness.status(of: harness.pending) == "not_enrolled")
        #expect(try await harness.status(of: harness.enrolled) == "enrolled")
        #expect(try await harness.count("SELECT COUNT(*) FROM mfa_factors") == factorsBefore)
        let enrolledView = await app.request(
            .get, "/api/v1/users/\(harness.enrolled.id)", token: try await harness.owner())
        #expect(enrolledView.object("mfa")?["canDisableMfa"] as? Bool == true)
        let counts = await app.request(.get, "/api/v1/users/mfa-status-counts", token: try await harness.owner())
        #expect(counts.object("counts")?["enrollment_period"] as? Int == 0, "\(counts.text)")

        // The settings say so; the user's requirement is shown as lifted.
        let settings = try await harness.settings()
        #expect(settings["mfaRequired"] as? Bool == false)
        #expect(settings["subscriptionTier"] as? String == "free")
        #expect(try await harness.count("SELECT COUNT(*) FROM mfa_policies WHERE enabled = 1") == 0)
        #expect(try await harness.count("SELECT mfa_required FROM users WHERE id = ?", [harness.pending.id]) == 1)

        // The owner and the admin are emailed, once; one audit event says what was lifted.
        #expect(try await harness.liftEmails() == ["admin@acme.test", "owner@acme.test"])
        #expect(try await app.auditCount(tenantID: harness.tenant.id, action: "mfa.enforcement.lifted") == 1)
        let text = try #require(
            try await app.query("SELECT payload FROM jobs WHERE kind = 'email.send' ORDER BY id DESC LIMIT 1").first
        ).decode("payload", as: String.self)
        #expect(text.contains("organization-wide MFA requirement"))
        #expect(text.contains("the subscription changed to a plan without it"))
    }

    @Test("a replayed event is applied once: 200 duplicate, no second email, kept in the history")
    func replay() async throws {
        let harness = try await BillingHarness()
        try await harness.enforceEverything()
        let body = harness.event(plan: "free")
        let id = SignedWebhook.newID()
        #expect(try await harness.post(body, id: id).string("status") == "applied")
        harness.app.clock.advance(by: 60)
        let replay = try await harness.post(body, id: id)
        #expect(replay.status == 200)
        #expect(replay.string("status") == "duplicate")
        #expect(try await harness.liftEmails().count == 2)
        #expect(
            try await harness.app.auditCount(tenantID: harness.tenant.id, action: "billing.subscription.updated") == 1)
        let events = try #require(try await harness.billing().json["events"] as? [[String: Any]])
        #expect(events.map { $0["outcome"] as? String } == ["duplicate", "applied"])
        #expect(events.allSatisfy { $0["webhookId"] as? String == id })
    }

    @Test("out-of-order subscription.updated events: the newest wins, an older one is recorded as stale")
    func outOfOrder() async throws {
        let harness = try await BillingHarness(plan: "business")
        let app = harness.app
        let earlier = app.clock.now()
        let later = earlier.addingTimeInterval(30)
        app.clock.advance(by: 60)
        #expect(try await harness.post(harness.event(plan: "enterprise", at: later)).string("status") == "applied")
        let stale = try await harness.post(harness.event(plan: "team", at: earlier))
        #expect(stale.status == 200)
        #expect(stale.string("status") == "stale")
        #expect(try await harness.settings()["subscriptionTier"] as? String == "enterprise")
        // The same instant is not older: it applies.
        #expect(try await harness.post(harness.event(plan: "business", at: later)).string("status") == "applied")
        #expect(try await harness.settings()["subscriptionTier"] as? String == "business")
        let events = try #require(try await harness.billing().json["events"] as? [[String: Any]])
        #expect(events.map { $0["outcome"] as? String } == ["applied", "stale", "applied"])
    }

    @Test("bad, missing or stale signatures are 401 and change nothing; a second secret works during rotation")
    func signatures() async throws {
        let harness = try await BillingHarness()
        let app = harness.app
        try await harness.enforceEverything()
        let body = harness.event(plan: "free")
        let now = app.clock.now()
        func headers(_ id: String, _ stamp: Date, _ signature: String?) -> [(String, String)] {
            var headers = [("webhook-id", id), ("webhook-timestamp", String(Int64(stamp.timeIntervalSince1970)))]
            if let signature { headers.append(("webhook-signature", signature)) }
            return headers
        }
        let valid = StandardWebhooks.sign(id: "evt_x", timestamp: now, body: body, secret: harness.secret)
        var refused: [TestApp.Response] = []
        refused.append(await harness.send(body, headers: []))
        refused.append(await harness.send(body, headers: headers("evt_x", now, nil)))
        refused.append(await harness.send(body, headers: [("webhook-id", "evt_x"), ("webhook-signature", valid)]))
        refused.append(try await harness.post(body, secret: WebhookSecret.generate()))
        // A valid signature over another body, and a valid one for another id.
        refused.append(await harness.send(harness.event(plan: "team"), headers: headers("evt_x", now, valid)))
        refused.append(await harness.send(body, headers: headers("evt_y", now, valid)))
        refused.append(try await harness.post(body, timestamp: now.addingTimeInterval(-301)))
        refused.append(try await harness.post(body, timestamp: now.addingTimeInterval(301)))
        for response in refused {
            #expect(response.status == 401, "\(response.text)")
            #expect(response.errorCode == "invalid_signature")
        }
        #expect(try await harness.settings()["mfaRequired"] as? Bool == true)
        #expect(try await harness.count("SELECT COUNT(*) FROM inbound_webhooks") == 0)
        let reasons = try await app.query(
            "SELECT reason FROM billing_events WHERE outcome = 'rejected' AND tenant_id IS NULL ORDER BY id"
        ).map { try $0.decode("reason", as: String.self) }
        #expect(
            reasons == [
                "missing_header", "missing_header", "missing_header", "bad_signature", "bad_signature",
                "bad_signature", "timestamp_too_old", "timestamp_too_new",
            ])

        // Within the tolerance, signed with the second (rotated-in) secret: applied. A header with
        // several signatures needs one to match.
        let inTolerance = try await harness.post(body, secret: harness.rotated, timestamp: now.addingTimeInterval(-290))
        #expect(inTolerance.string("status") == "applied", "\(inTolerance.text)")
        let upgrade = harness.event(plan: "enterprise", at: now.addingTimeInterval(1))
        let bogus: String = "v1," + Data(repeating: 7, count: 32).base64EncodedString()
        let good: String = StandardWebhooks.sign(
            id: "evt_mixed", timestamp: now, body: upgrade, secret: harness.rotated)
        let mixed = bogus + " " + good
        let several = await harness.send(upgrade, headers: headers("evt_mixed", now, mixed))
        #expect(several.string("status") == "applied", "\(several.text)")
    }

    @Test("malformed 400, unknown type or plan 422, unknown tenant 404; each kept as rejected, nothing changed")
    func refusedBodies() async throws {
        let harness = try await BillingHarness()
        let cases: [([UInt8], Int, String)] = [
            (Array("not json".utf8), 400, "malformed_event"),
            (Array(#"{"type": "subscription.updated", "data": {"tenantId": "acme"}}"#.utf8), 400, "malformed_event"),
            (harness.event(plan: nil), 400, "malformed_event"),
            (harness.event(status: nil), 400, "malformed_event"),
            (harness.event("invoice.paid"), 422, "unsupported_event_type"),
            (harness.event(plan: "platinum"), 422, "unknown_plan"),
            (harness.event(status: "paused"), 422, "validation_failed"),
            (harness.event("subscription.canceled", status: "active"), 422, "validation_failed"),
            (harness.event(tenant: "ten_nobody"), 404, "unknown_tenant"),
        ]
        for (body, status, code) in cases {
            let response = try await harness.post(body)
            #expect(response.status == status, "\(String(decoding: body, as: UTF8.self)): \(response.text)")
            #expect(response.errorCode == code)
        }
        #expect(try await harness.settings()["subscriptionTier"] as? String == "enterprise")
        #expect(
            try await harness.count("SELECT COUNT(*) FROM billing_events WHERE outcome = 'rejected'") == cases.count)
        // Refusals that name the tenant show in its history; unknown tenants don't.
        let events = try #require(try await harness.billing().json["events"] as? [[String: Any]])
        #expect(events.count == cases.count - 2)
        #expect(events.allSatisfy { $0["outcome"] as? String == "rejected" })
    }

    @Test("the handle works as tenantId; subscription.canceled lapses to free and lifts")
    func cancelByHandle() async throws {
        let harness = try await BillingHarness()
        try await harness.app.updateSettings(
            try await harness.owner(), ["mfaRequired": true, "mfaSignOutPolicy": "midnight"])
        let response = try await harness.post(
            harness.event("subscription.canceled", plan: nil, status: nil, tenant: "acme"))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["lifted"] as? [String] == ["organization", "sign_out_policy"])
        let settings = try await harness.settings()
        #expect(settings["subscriptionStatus"] as? String == "canceled")
        #expect(settings["subscriptionTier"] as? String == "enterprise")
        #expect(settings["effectiveTier"] as? String == "free")
        #expect(settings["mfaSignOutPolicy"] as? String == "none")
    }

    @Test("a trial that ends without a webhook is noticed by the scheduler and lifted once")
    func trialEndWithoutWebhook() async throws {
        let harness = try await BillingHarness(status: .trialing, trialDays: 14)
        let app = harness.app
        try await harness.enforceEverything()
        let sweeper = BillingService(environment: app.environment)
        #expect(try await sweeper.sweepLapsed() == 0)
        app.clock.advance(by: 13 * Self.day)
        #expect(try await sweeper.sweepLapsed() == 0)
        // Past the deadline of the enrollment period, but the trial is over: nobody is due.
        app.clock.advance(by: 2 * Self.day)
        #expect(try await harness.status(of: harness.pending) == "not_enrolled")
        #expect(try await sweeper.sweepLapsed() == 1)
        #expect(try await sweeper.sweepLapsed() == 0)
        #expect(try await harness.liftEmails().count == 2)
        let audits = try await app.query(
            "SELECT details FROM audit_events WHERE action = 'mfa.enforcement.lifted'"
        ).map { try $0.decode("details", as: String.self) }
        #expect(audits.count == 1)
        #expect(audits.first?.contains("\"reason\":\"trial_ended\"") == true)
        let billing = try await harness.billing()
        #expect(billing.json["lapsed"] as? Bool == true)
        #expect(billing.json["effectivePlan"] as? String == "free")
        let lifted = try #require(billing.object("liftedEnforcement"))
        #expect(lifted["reason"] as? String == "trial_ended")
        #expect(lifted["restorable"] as? [String] == [])
    }

    @Test("past_due keeps the plan for the configured grace, then the sweep downgrades")
    func pastDueGrace() async throws {
        let harness = try await BillingHarness()
        let app = harness.app
        try await app.updateSettings(try await harness.owner(), ["mfaRequired": true])
        let response = try await harness.post(harness.event(plan: "enterprise", status: "past_due"))
        #expect(response.json["lifted"] as? [String] == [])
        let graceEnd = app.clock.now().addingTimeInterval(7 * Self.day)
        let shownEnd = try await harness.settings()["pastDueGraceEndsAt"] as? String
        #expect(shownEnd.flatMap(Timestamp.parse) == graceEnd)
        // A second past_due reminder does not extend the grace.
        app.clock.advance(by: 3 * Self.day)
        _ = try await harness.post(harness.event(plan: "enterprise", status: "past_due"))
        let sweeper = BillingService(environment: app.environment)
        app.clock.advance(by: 3 * Self.day)
        #expect(try await sweeper.sweepLapsed() == 0)
        #expect(try await harness.settings()["mfaRequired"] as? Bool == true)
        app.clock.advance(by: 1 * Self.day)
        #expect(try await sweeper.sweepLapsed() == 1)
        #expect(try await harness.settings()["mfaRequired"] as? Bool == false)
        #expect(try await harness.liftEmails().count == 2)
    }

    @Test("upgrade: the features come back, enforcement stays off until an admin restores it with fresh clocks")
    func upgradeThenRestore() async throws {
        let harness = try await BillingHarness()
        let app = harness.app
        try await harness.enforceEverything()
        #expect(try await harness.post(harness.event(plan: "free")).string("status") == "applied")
        app.clock.advance(by: 10 * Self.day)
        let nothing = await app.request(
            .post, "/api/v1/organization/enforcement/restore", token: try await harness.owner())
        #expect(nothing.status == 403)
        #expect(nothing.errorCode == "plan_upgrade_required")

        #expect(try await harness.post(harness.event(plan: "enterprise")).string("status") == "applied")
        #expect(try await harness.settings()["mfaRequired"] as? Bool == false)
        #expect(try await harness.status(of: harness.pending) == "not_enrolled")
        let billing = try await harness.billing()
        #expect(
            billing.object("liftedEnforcement")?["restorable"] as? [String]
                == ["organization", "user_requirements", "group_policies"])

        // Only an administrator with manageUsers may restore.
        let memberToken = try await app.login("acme", harness.pending.email)
        #expect(
            await app.request(.post, "/api/v1/organization/enforcement/restore", token: memberToken).status == 403)

        let restoredAt = app.clock.now()
        let restored = await app.request(
            .post, "/api/v1/organization/enforcement/restore", token: try await harness.owner())
        #expect(restored.status == 200, "\(restored.text)")
        #expect(restored.json["restored"] as? [String] == ["organization", "user_requirements", "group_policies"])
        #expect(restored.json["remaining"] as? [String] == [])
        #expect(try await harness.settings()["mfaRequired"] as? Bool == true)
        let user = await app.request(.get, "/api/v1/users/\(harness.pending.id)", token: try await harness.owner())
        let mfa = try #require(user.object("mfa"))
        #expect(mfa["status"] as? String == "enrollment_period")
        #expect(Timestamp.parse(mfa["deadline"] as? String ?? "") == restoredAt.addingTimeInterval(7 * Self.day))
        #expect((mfa["sources"] as? [[String: Any]])?.count == 3)
        #expect(try await app.auditCount(tenantID: harness.tenant.id, action: "mfa.enforcement.restored") == 1)
        let again = await app.request(
            .post, "/api/v1/organization/enforcement/restore", token: try await harness.owner())
        #expect(again.status == 409)
        #expect(try await harness.billing().json["liftedEnforcement"] is NSNull)
    }

    @Test("on a plan with only some of the lifted features, restore brings back those and keeps the rest")
    func partialRestore() async throws {
        let harness = try await BillingHarness()
        let app = harness.app
        try await harness.enforceEverything()
        _ = try await harness.post(harness.event(plan: "free"))
        _ = try await harness.post(harness.event(plan: "team"))
        let restored = await app.request(
            .post, "/api/v1/organization/enforcement/restore", token: try await harness.owner())
        #expect(restored.status == 200, "\(restored.text)")
        #expect(restored.json["restored"] as? [String] == ["user_requirements"])
        #expect(restored.json["remaining"] as? [String] == ["organization", "group_policies"])
        // Team has no enrollment periods: the restored requirement is due now.
        #expect(try await harness.status(of: harness.pending) == "setup_required")
        #expect(
            try await harness.billing().object("liftedEnforcement")?["sources"] as? [String]
                == ["organization", "group_policies"])
    }

    @Test("a requirement lifted by a downgrade comes back when an admin requires MFA of the user again")
    func requireAgainAfterLift() async throws {
        let harness = try await BillingHarness(plan: "team")
        let app = harness.app
        let required = await app.request(
            .patch, "/api/v1/users/\(harness.pending.id)", token: try await harness.owner(), json: ["mfaRequired": true]
        )
        #expect(required.status == 200, "\(required.text)")
        #expect(try await harness.status(of: harness.pending) == "setup_required")
        _ = try await harness.post(harness.event(plan: "free"))
        _ = try await harness.post(harness.event(plan: "team"))
        #expect(try await harness.status(of: harness.pending) == "not_enrolled")
        let user = await app.request(.get, "/api/v1/users/\(harness.pending.id)", token: try await harness.owner())
        #expect((user.object("mfa")?["userRequirement"] as? [String: Any])?["required"] as? Bool == false)
        app.clock.advance(by: 60)
        let again = await app.request(
            .patch, "/api/v1/users/\(harness.pending.id)", token: try await harness.owner(), json: ["mfaRequired": true]
        )
        #expect(again.status == 200, "\(again.text)")
        #expect(try await harness.status(of: harness.pending) == "setup_required")
        let audit = try #require(
            try await app.query(
                "SELECT details FROM audit_events WHERE action = 'mfa.user_requirement.updated' ORDER BY id DESC LIMIT 1"
            ).first
        ).decode("details", as: String.self)
        #expect(audit.contains("\"replacedLiftedRequirement\":true"))
    }

    @Test("GET /organization/billing shows plan, status, trial end and history; only for manageUsers")
    func billingOverview() async throws {
        let harness = try await BillingHarness(status: .trialing, trialDays: 14)
        let app = harness.app
        let trialEnd = app.clock.now().addingTimeInterval(30 * Self.day)
        _ = try await harness.post(harness.event(plan: "enterprise", status: "trialing", trialEndsAt: trialEnd))
        let billing = try await harness.billing()
        #expect(billing.status == 200)
        #expect(billing.string("plan") == "enterprise")
        #expect(billing.string("planName") == "Enterprise")
        #expect(billing.string("status") == "trialing")
        #expect(Timestamp.parse(billing.string("trialEndsAt") ?? "") == trialEnd)
        #expect(billing.json["lapsed"] as? Bool == false)
        #expect((billing.json["events"] as? [[String: Any]])?.first?["type"] as? String == "subscription.updated")
        let member = try await app.login("acme", harness.pending.email)
        #expect(await app.request(.get, "/api/v1/organization/billing", token: member).status == 403)
    }

    @Test("without a configured secret the endpoint answers 503 and changes nothing")
    func notConfigured() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        let body = Array(
            #"{"type":"subscription.updated","timestamp":"2026-01-01T00:00:00Z","data":{"tenantId":"acme","plan":"free","status":"active"}}"#
                .utf8)
        let secret = WebhookSecret.generate()
        let response = await app.request(
            .post, "/webhooks/billing", body: body,
            headers: SignedWebhook.headers(id: "evt_1", timestamp: app.clock.now(), body: body, secret: secret))
        #expect(response.status == 503)
        #expect(response.errorCode == "webhook_not_configured")
        #expect(
            try await app.query("SELECT plan FROM tenants WHERE id = ?", [tenant.id]).first?.decode("plan")
                == "enterprise")
    }
}
