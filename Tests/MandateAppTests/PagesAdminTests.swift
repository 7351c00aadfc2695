import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The administrators' pages: security settings and billing.
@Suite("Pages: admin")
struct PagesAdminTests {
    /// Moves `acme` to `plan` through `BillingService.receive`, one second after the last event.
    static func changePlan(_ app: TestApp, tenant: String, to plan: String) async throws {
        app.clock.advance(by: 1)
        let event = BillingEvent(
            type: .subscriptionUpdated, timestamp: app.clock.now(), tenant: tenant, plan: plan, status: .active)
        let outcome = try await BillingService(environment: app.environment).receive(
            event, webhookID: "msg_" + UUID().uuidString)
        guard case .applied = outcome else { throw TestFailure("billing event to \(plan): \(outcome)") }
    }

    @Test("only owners and admins reach the admin pages; the navigation links them for admins only")
    func permissions() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        try await app.makeUser(tenant: "acme", email: "adam@acme.test", role: .admin)
        let member = PageClient(app)
        try await member.signInFully("acme", "ada@acme.test")
        let account = await member.get("/account")
        #expect(!account.text.contains("href=\"/admin/security\""))
        #expect(!account.text.contains("href=\"/admin/billing\""))
        let before = try await app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self)
        let token = try #require(try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        for response in [
            await member.get("/admin/security"), await member.get("/admin/billing"),
            await member.post("/admin/security", [("csrf", token.1), ("mfaEnrollmentDays", "30")]),
            await member.post("/admin/billing/restore", [("csrf", token.1)]),
        ] {
            #expect(response.status == 403)
            #expect(response.text.contains("Only owners and admins"))
        }
        #expect(try await app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self) == before)

        let admin = PageClient(app)
        try await admin.signInFully("acme", "adam@acme.test")
        let adminAccount = await admin.get("/account")
        #expect(adminAccount.text.contains("href=\"/admin/security\">Security settings</a>"))
        #expect(adminAccount.text.contains("href=\"/admin/billing\">Billing</a>"))
        #expect(await admin.get("/admin/security").status == 200)
        #expect(await admin.get("/admin/billing").status == 200)
    }

    @Test("without mfa.enforce.org the toggle is disabled with an upgrade hint, and the plan's limits hold")
    func disabledToggle() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme", plan: "team")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin/security")
        #expect(page.status == 200)
        let toggle = try #require(PageHTML.inputs(in: page.text).first { $0.attributes["name"] == "mfaRequired" })
        #expect(toggle.attributes["disabled"] != nil)
        #expect(page.text.contains("does not include requiring MFA for everyone"))
        let signOut = try #require(
            PageHTML.tags("select", in: page.text).first { $0.attributes["name"] == "mfaSignOutPolicy" })
        #expect(signOut.attributes["disabled"] != nil)
        #expect(page.text.contains("does not include sign-out policies"))

        // A forged form cannot switch it on either; a longer enrollment period is refused with the message.
        let forged = try await owner.submit(
            "/admin/security", on: page, ["mfaRequired": "on", "mfaEnrollmentDays": "0"])
        #expect(forged.status == 303)
        let refused = try await owner.submit("/admin/security", on: page, ["mfaEnrollmentDays": "30"])
        #expect(refused.status == 403)
        #expect(refused.text.contains("role=\"alert\""))
        let stored = try await app.query("SELECT mfa_required FROM tenants WHERE id = ?", [tenant.id])
        #expect(try stored.first?.decode(0, as: Int.self) == 0)
        let invalid = try await owner.submit("/admin/security", on: page, ["mfaEnrollmentDays": "soon"])
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("whole number of days"))
    }

    @Test("a settings change is applied through the settings rules and audited")
    func settingsChange() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin/security")
        let toggle = try #require(PageHTML.inputs(in: page.text).first { $0.attributes["name"] == "mfaRequired" })
        #expect(toggle.attributes["disabled"] == nil)
        #expect(toggle.attributes["checked"] == nil)
        let saved = try await owner.submit(
            "/admin/security", on: page,
            [
                "mfaRequired": "on", "mfaEnrollmentDays": "14", "mfaExpiryAction": "lock_out", "mfaAppliesTo": "all",
                "mfaSignOutPolicy": "midnight",
            ])
        #expect(saved.status == 303)
        #expect(saved.headers["Location"] == "/admin/security")
        let after = try await owner.follow(saved)
        #expect(after.text.contains("Your security settings are saved."))
        let checked = try #require(PageHTML.inputs(in: after.text).first { $0.attributes["name"] == "mfaRequired" })
        #expect(checked.attributes["checked"] != nil)
        #expect(after.text.contains("<option value=\"lock_out\" selected>"))
        #expect(after.text.contains("<option value=\"midnight\" selected>"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.org_enforcement.updated") == 1)

        // Out of range: re-rendered with the message, nothing changed.
        let refused = try await owner.submit("/admin/security", on: after, ["mfaEnrollmentDays": "400"])
        #expect(refused.status == 422)
        #expect(refused.text.contains("365"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.org_enforcement.updated") == 1)
    }

    @Test("billing: a downgrade lifts enforcement, an upgrade offers the restore, the button restores it")
    func restoreAfterUpgrade() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        try await app.updateSettings(
            try await app.login("acme", "owner@acme.test"), ["mfaRequired": true, "mfaEnrollmentDays": 7])
        try await Self.changePlan(app, tenant: "acme", to: "free")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let lapsed = await owner.get("/admin/billing")
        #expect(lapsed.status == 200)
        #expect(lapsed.text.contains("MFA required for everyone"))
        #expect(!lapsed.text.contains("Restore previous enforcement"), "the free plan cannot restore it")
        #expect(lapsed.text.contains("subscription.updated"))

        try await Self.changePlan(app, tenant: "acme", to: "enterprise")
        let page = await owner.get("/admin/billing")
        #expect(page.text.contains("Enterprise"))
        #expect(page.text.contains("Restore previous enforcement"))
        #expect(
            PageHTML.tags("tr", in: page.text).filter { $0.attributes["class"] == "event event--applied" }.count == 2)
        let restored = try await owner.submit("/admin/billing/restore", on: page)
        #expect(restored.status == 303)
        #expect(restored.headers["Location"] == "/admin/billing")
        let after = try await owner.follow(restored)
        #expect(after.text.contains("back in place"))
        #expect(!after.text.contains("Restore previous enforcement"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.enforcement.restored") == 1)
        let stored = try await app.query("SELECT mfa_required FROM tenants WHERE id = ?", [tenant.id])
        #expect(try stored.first?.decode(0, as: Int.self) == 1)

        // Nothing left to restore: a second post re-renders the page with the refusal.
        let again = try await owner.submit("/admin/billing/restore", on: page)
        #expect(again.status == 409)
        #expect(again.text.contains("role=\"alert\""))
    }
}
