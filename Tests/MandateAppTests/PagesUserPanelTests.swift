import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

@testable import MandateWeb

/// The administrators' panel of one person (`/admin/users/:id`) and its forms.
@Suite("Pages: user panel")
struct PagesUserPanelTests {
    static func panel(_ user: User) -> String { "/admin/users/" + user.id }

    /// A tenant `acme` on `plan` with the member Ada, and the owner signed in on a browser.
    static func fixture(plan: String = "enterprise") async throws -> (TestApp, Tenant, User, PageClient) {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme", plan: plan)
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test", name: "Ada Lovelace")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        return (app, tenant, ada, owner)
    }

    static func requireToggle(_ page: TestApp.Response) throws -> PageHTML.Tag {
        try #require(PageHTML.inputs(in: page.text).first { $0.attributes["id"] == "require-mfa" })
    }

    static func userRequired(_ app: TestApp, _ user: User) async throws -> Int {
        try await app.userColumn("mfa_required", of: user.id)
    }

    @Test("the owner sees the person: profile, MFA status, methods with the phone masked, last sign-in")
    func rendersForOwner() async throws {
        let (app, _, ada, owner) = try await Self.fixture()
        let token = try await app.login("acme", "ada@acme.test")
        _ = try await app.enrollTOTP(token)
        try await app.enrollSMS(token, phone: "+14155550142")
        let page = await owner.get(Self.panel(ada))
        #expect(page.status == 200)
        #expect(page.text.contains("<title>Ada Lovelace · Mandate</title>"))
        #expect(page.text.contains("ada@acme.test"))
        #expect(page.text.contains("<dd>Member</dd>"))
        #expect(page.text.contains("data-status=\"active\">Active</span>"))
        #expect(page.text.contains("data-status=\"enrolled\">Enrolled</span>"))
        #expect(page.text.contains("Authenticator app"))
        #expect(page.text.contains("Text message (SMS)"))
        #expect(page.text.contains("+•••••••••42"))
        #expect(!page.text.contains("4155550142"))
        #expect(!page.text.contains(">Never<"), "Ada signed in through the API")
        #expect(page.text.contains("Exemption: none"))
        let toggle = try Self.requireToggle(page)
        #expect(toggle.attributes["disabled"] == nil)
        #expect(toggle.attributes["checked"] == nil)
        for action in ["/mfa-requirement", "/mfa/reset", "/exemption", "/enrollment/reset"] {
            let fields = try PageHTML.hiddenFields(of: Self.panel(ada) + action, in: page.text)
            #expect(fields.contains { $0.0 == "csrf" && !$0.1.isEmpty }, "\(action)")
        }
    }

    @Test("a member gets the 403 page, for the panel and for every form, and nothing changes")
    func memberForbidden() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture()
        let ownerUser = try #require(
            try await app.query("SELECT id FROM users WHERE email = 'owner@acme.test'").first?.decode(
                0, as: String.self))
        _ = owner
        let member = PageClient(app)
        try await member.signInFully("acme", "ada@acme.test")
        let account = await member.get("/account")
        let token = try #require(try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        let target = "/admin/users/" + ownerUser
        #expect(await member.get(target).status == 403)
        #expect(await member.get(Self.panel(ada)).status == 403, "not even their own panel")
        let before = try await app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self)
        for (action, fields) in [
            ("/mfa-requirement", [("mfaRequired", "on"), ("mfaEnrollmentDays", "0")]),
            ("/mfa/reset", [("confirm", "on")]), ("/exemption", [("exemption", "grant")]),
            ("/enrollment/reset", []),
        ] {
            let response = await member.post(target + action, [("csrf", token.1)] + fields)
            #expect(response.status == 403, "\(action)")
            #expect(response.text.contains("Only owners and admins"), "\(action)")
        }
        #expect(try await app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self) == before)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.reset") == 0)
    }

    @Test("another organization's person is a 404 page like an unknown id, on the panel and every form")
    func otherTenantNotFound() async throws {
        let (app, _, _, owner) = try await Self.fixture()
        let (globex, _) = try await app.makeTenant(slug: "globex")
        let stranger = try await app.makeUser(tenant: "globex", email: "hank@globex.test", name: "Hank")
        let token = try await app.login("globex", "hank@globex.test")
        _ = try await app.enrollTOTP(token)
        let before = try await Self.tenantState(app, globex)
        let page = await owner.get(Self.panel(stranger))
        #expect(page.status == 404)
        #expect(page.text.contains("Person not found"))
        #expect(!page.text.contains("hank@globex.test"))
        let ghost = await owner.get("/admin/users/usr_nobody")
        #expect(ghost.status == 404)
        #expect(ghost.body == page.body, "the answer differs from a non-existent id's")
        #expect(await owner.get("/admin/users/%3Cb%3E").status == 404)

        let csrf = try #require(
            try PageHTML.hiddenFields(of: "/sign-out", in: await owner.get("/account").text).first { $0.0 == "csrf" })
        let forms: [(String, [(String, String)])] = [
            ("/mfa-requirement", [("mfaRequired", "on"), ("mfaEnrollmentDays", "0")]),
            ("/mfa/reset", [("confirm", "on")]), ("/exemption", [("exemption", "grant")]),
            ("/exemption", [("exemption", "end")]), ("/enrollment/reset", []),
        ]
        for (action, fields) in forms {
            let response = await owner.post(Self.panel(stranger) + action, [("csrf", csrf.1)] + fields)
            #expect(response.status == 404, "\(action)")
            let ghostResponse = await owner.post("/admin/users/usr_nobody" + action, [("csrf", csrf.1)] + fields)
            #expect(ghostResponse.body == response.body, "\(action)")
        }
        #expect(try await Self.tenantState(app, globex) == before)
    }

    /// What the panel's forms could change in `tenant`, as text.
    static func tenantState(_ app: TestApp, _ tenant: Tenant) async throws -> [String] {
        var lines: [String] = []
        for sql in [
            "SELECT * FROM users WHERE tenant_id = ? ORDER BY id",
            "SELECT f.* FROM mfa_factors f JOIN users u ON u.id = f.user_id WHERE u.tenant_id = ? ORDER BY f.id",
            "SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.tenant_id = ? ORDER BY 1",
            "SELECT * FROM audit_events WHERE tenant_id = ? ORDER BY 1",
        ] {
            for row in try await app.query(sql, [tenant.id]) {
                lines.append(row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return lines
    }

    @Test("requiring MFA with an enrollment period shows the deadline and the source; bad days are refused")
    func requireWithDays() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture()
        let page = await owner.get(Self.panel(ada))
        let saved = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: page, ["mfaRequired": "on", "mfaEnrollmentDays": "14"])
        #expect(saved.status == 303)
        #expect(saved.headers["Location"] == Self.panel(ada))
        let after = try await owner.follow(saved)
        #expect(after.text.contains("The MFA requirement for this person is saved."))
        #expect(after.text.contains("data-status=\"enrollment_period\">Enrollment period</span>"))
        let deadline = PageDates(timeZone: "UTC").dateTime(app.clock.now().addingTimeInterval(14 * 86_400))
        #expect(after.text.contains("Deadline: <time"))
        #expect(after.text.contains(deadline))
        #expect(after.text.contains("This person: required by an administrator"))
        #expect(try Self.requireToggle(after).attributes["checked"] != nil)
        #expect(after.text.contains("value=\"14\""))
        #expect(try await Self.userRequired(app, ada) == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.user_requirement.updated") == 1)

        for (days, message) in [("soon", "whole number of days"), ("400", "365")] {
            let refused = try await owner.submit(
                Self.panel(ada) + "/mfa-requirement", on: after, ["mfaRequired": "on", "mfaEnrollmentDays": days])
            #expect(refused.status == 422, "\(days)")
            #expect(refused.text.contains("role=\"alert\""), "\(days)")
            #expect(refused.text.contains(message), "\(days)")
        }
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.user_requirement.updated") == 1)

        // Unticked: the requirement is lifted.
        let lifted = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: after, ["mfaEnrollmentDays": "14"])
        #expect(lifted.status == 303)
        #expect(try await Self.userRequired(app, ada) == 0)
    }

    @Test("on the free plan the toggle is disabled with an upgrade hint; on team only 0 days are allowed")
    func planWithoutFeature() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture(plan: "free")
        let page = await owner.get(Self.panel(ada))
        let toggle = try Self.requireToggle(page)
        #expect(toggle.attributes["disabled"] != nil)
        #expect(toggle.attributes["aria-describedby"] == "require-mfa-hint")
        #expect(page.text.contains("does not include requiring MFA of individual people"))
        #expect(page.text.contains("Upgrade to Team, Business or Enterprise"))
        // A forged form cannot switch it on: the disabled toggle is ignored.
        let forged = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: page, ["mfaRequired": "on", "mfaEnrollmentDays": "0"])
        #expect(forged.status == 303)
        #expect(try await Self.userRequired(app, ada) == 0)

        try await PagesAdminTests.changePlan(app, tenant: "acme", to: "team")
        let team = await owner.get(Self.panel(ada))
        #expect(try Self.requireToggle(team).attributes["disabled"] == nil)
        #expect(team.text.contains("Your plan allows only 0"))
        let refused = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: team, ["mfaRequired": "on", "mfaEnrollmentDays": "7"])
        #expect(refused.status == 403)
        #expect(refused.text.contains("role=\"alert\""))
        #expect(try await Self.userRequired(app, ada) == 0)
        let saved = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: team, ["mfaRequired": "on", "mfaEnrollmentDays": "0"])
        #expect(saved.status == 303)
        let after = try await owner.follow(saved)
        #expect(after.text.contains("data-status=\"setup_required\">Setup required</span>"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.user_requirement.updated") == 1)
    }

    @Test("a requirement a downgrade lifted is explained, with the toggle disabled on the smaller plan")
    func liftedByDowngrade() async throws {
        let (app, _, ada, owner) = try await Self.fixture()
        let page = await owner.get(Self.panel(ada))
        let saved = try await owner.submit(
            Self.panel(ada) + "/mfa-requirement", on: page, ["mfaRequired": "on", "mfaEnrollmentDays": "3"])
        #expect(saved.status == 303)
        try await PagesAdminTests.changePlan(app, tenant: "acme", to: "free")
        let lifted = await owner.get(Self.panel(ada))
        #expect(lifted.text.contains("A plan change lifted the requirement set for this person"))
        #expect(lifted.text.contains("data-status=\"not_enrolled\">Not enrolled</span>"))
        let toggle = try Self.requireToggle(lifted)
        #expect(toggle.attributes["disabled"] != nil)
        #expect(toggle.attributes["checked"] == nil)
    }

    @Test("resetting MFA needs the confirmation, then removes the factors and ends the sessions")
    func resetMFA() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture()
        let (secret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        let browser = PageClient(app)
        try await browser.signInWithTOTP("ada@acme.test", secret: secret, signInPage: await browser.get("/sign-in"))
        #expect(await browser.get("/account").status == 200)
        #expect(try await app.sessionCount(userID: ada.id) > 0)

        let page = await owner.get(Self.panel(ada))
        let unconfirmed = try await owner.submit(Self.panel(ada) + "/mfa/reset", on: page)
        #expect(unconfirmed.status == 422)
        #expect(unconfirmed.text.contains("Tick the box"))
        let factorsBefore = try await app.query("SELECT COUNT(*) FROM mfa_factors WHERE user_id = ?", [ada.id])
        #expect(try factorsBefore.first?.decode(0, as: Int.self) == 1)

        let reset = try await owner.submit(Self.panel(ada) + "/mfa/reset", on: page, ["confirm": "on"])
        #expect(reset.status == 303)
        let after = try await owner.follow(reset)
        #expect(after.text.contains("their sessions have ended"))
        #expect(after.text.contains("No active method."))
        let factorsAfter = try await app.query("SELECT COUNT(*) FROM mfa_factors WHERE user_id = ?", [ada.id])
        #expect(try factorsAfter.first?.decode(0, as: Int.self) == 0)
        #expect(try await app.sessionCount(userID: ada.id) == 0)
        #expect(await browser.get("/account").status != 200, "Ada's session ended")
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.reset") == 1)
    }

    @Test("a refusal of the service re-renders the panel with its message and status, nothing changed")
    func serviceRefusals() async throws {
        let (app, tenant, _, owner) = try await Self.fixture()
        let ownerUser = try #require(
            try await app.query("SELECT id FROM users WHERE email = 'owner@acme.test'").first?.decode(
                0, as: String.self))
        _ = try await app.enrollTOTP(try await app.login("acme", "owner@acme.test"))
        try await app.makeUser(tenant: "acme", email: "adam@acme.test", role: .admin)
        let path = "/admin/users/" + ownerUser
        let own = await owner.get(path)
        let selfExempt = try await owner.submit(path + "/exemption", on: own, ["exemptUntil": ""])
        #expect(selfExempt.status == 403)
        #expect(selfExempt.text.contains("Another administrator must exempt you"))
        #expect(selfExempt.text.contains("role=\"alert\""))

        let admin = PageClient(app)
        try await admin.signInFully("acme", "adam@acme.test")
        let panel = await admin.get(path)
        #expect(panel.status == 200, "admins see the owner's panel")
        let reset = try await admin.submit(path + "/mfa/reset", on: panel, ["confirm": "on"])
        #expect(reset.status == 403)
        #expect(reset.text.contains("Only an owner can reset an owner"))
        let factors = try await app.query("SELECT COUNT(*) FROM mfa_factors WHERE user_id = ?", [ownerUser])
        #expect(try factors.first?.decode(0, as: Int.self) == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.reset") == 0)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.exemption.granted") == 0)
    }

    @Test("an exemption until a future day is saved and shown; a past day or garbage is refused; it can end")
    func exemption() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture()
        let page = await owner.get(Self.panel(ada))
        let path = Self.panel(ada) + "/exemption"
        let now = app.clock.now()
        let inTenDays = UserPanelDates.day(now.addingTimeInterval(10 * 86_400), timeZone: "UTC")
        let saved = try await owner.submit(path, on: page, ["exemptUntil": inTenDays])
        #expect(saved.status == 303)
        let after = try await owner.follow(saved)
        #expect(after.text.contains("The exemption is saved."))
        #expect(after.text.contains("data-status=\"exempt\">Exempt</span>"))
        #expect(after.text.contains("exempt until <time"))
        let end = try #require(UserPanelDates.endOfDay(inTenDays, timeZone: "UTC"))
        #expect(after.text.contains(PageDates(timeZone: "UTC").dateTime(end)))
        #expect(after.text.contains("value=\"\(inTenDays)\""))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.exemption.granted") == 1)

        let yesterday = UserPanelDates.day(now.addingTimeInterval(-86_400), timeZone: "UTC")
        for (value, message) in [
            (yesterday, "from today on"), ("next week", "year-month-day"), ("2027-02-30", "year-month-day"),
            ("99999-01-01", "year-month-day"),
        ] {
            let refused = try await owner.submit(path, on: after, ["exemptUntil": value])
            #expect(refused.status == 422, "\(value)")
            #expect(refused.text.contains(message), "\(value)")
        }
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.exemption.granted") == 1)

        let csrf = try #require(try PageHTML.hiddenFields(of: path, in: after.text).first { $0.0 == "csrf" })
        let ended = await owner.post(path, [("csrf", csrf.1), ("exemption", "end")])
        #expect(ended.status == 303)
        let cleared = try await owner.follow(ended)
        #expect(cleared.text.contains("The exemption has ended."))
        #expect(cleared.text.contains("Exemption: none"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.exemption.ended") == 1)

        // Empty: no end date.
        let open = try await owner.submit(path, on: cleared, ["exemptUntil": ""])
        #expect(open.status == 303)
        #expect(try await owner.follow(open).text.contains("exempt with no end date"))
        let unknown = await owner.post(path, [("csrf", csrf.1), ("exemption", "forever")])
        #expect(unknown.status == 422)
    }

    @Test("resetting the enrollment period lets an expired person in again, with a new deadline")
    func enrollmentReset() async throws {
        let (app, tenant, ada, _) = try await Self.fixture()
        let ownerToken = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(ownerToken, ["mfaExpiryAction": "lock_out"])
        let required = await app.request(
            .patch, "/api/v1/users/\(ada.id)", token: ownerToken,
            json: ["mfaRequired": true, "mfaEnrollmentDays": 7])
        #expect(required.status == 200)
        app.clock.advance(by: 8 * 86_400)
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get(Self.panel(ada))
        #expect(page.text.contains("data-status=\"expired\">Expired</span>"))
        let reset = try await owner.submit(Self.panel(ada) + "/enrollment/reset", on: page)
        #expect(reset.status == 303)
        let after = try await owner.follow(reset)
        #expect(after.text.contains("Their enrollment period starts again today."))
        #expect(after.text.contains("data-status=\"enrollment_period\">Enrollment period</span>"))
        let deadline = PageDates(timeZone: "UTC").dateTime(app.clock.now().addingTimeInterval(7 * 86_400))
        #expect(after.text.contains(deadline))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.enrollment.reset") == 1)
    }

    @Test("the SMS history shows statuses and error codes, masks the number, and never shows a code")
    func smsHistory() async throws {
        let (app, tenant, ada, owner) = try await Self.fixture()
        let token = try await app.login("acme", "ada@acme.test")
        let sent = await app.request(.post, "/api/v1/me/mfa/sms", token: token, json: ["phoneNumber": "+14155550142"])
        let messageID = try #require(sent.string("messageId"))
        let code = try await app.smsCode(messageID: messageID)
        let bob = try await app.makeUser(tenant: "acme", email: "bob@acme.test")
        let start = app.clock.now()
        try await Self.insertSMS(
            app, tenantID: tenant.id, userID: ada.id, status: "failed", errorCode: "30003",
            at: start.addingTimeInterval(1))
        try await Self.insertSMS(
            app, tenantID: tenant.id, userID: ada.id, status: "delivered", at: start.addingTimeInterval(2))
        try await Self.insertSMS(
            app, tenantID: tenant.id, userID: bob.id, status: "undelivered", errorCode: "99999",
            at: start.addingTimeInterval(3))

        // The same user id under another tenant's id is not Ada's history either.
        let (globex, _) = try await app.makeTenant(slug: "globex")
        try await Self.insertSMS(
            app, tenantID: globex.id, userID: ada.id, status: "failed", errorCode: "77777",
            at: start.addingTimeInterval(4))

        let page = await owner.get(Self.panel(ada))
        #expect(page.status == 200)
        #expect(!page.text.contains("77777"))
        let rows = PageHTML.tags("tr", in: page.text).compactMap { $0.attributes["class"] }
        #expect(rows == ["sms sms--delivered", "sms sms--failed", "sms sms--queued"])
        #expect(page.text.contains(">Failed</span>"))
        #expect(page.text.contains(">Delivered</span>"))
        #expect(page.text.contains(">Queued</span>"))
        #expect(page.text.contains("30003"))
        #expect(!page.text.contains("99999"), "Bob's messages are not Ada's")
        #expect(page.text.contains("+•••••••••42"))
        #expect(!page.text.contains("4155550142"))
        #expect(!page.text.contains(code), "never the code")
        if app.database.dialect == .sqlite {  // SQLite's query plan (PostgreSQL plans by statistics)
            let plan = try await app.query(
                """
                EXPLAIN QUERY PLAN SELECT id FROM messages WHERE tenant_id = ? AND user_id = ? AND channel = 'sms'
                ORDER BY created_at DESC, id DESC LIMIT 20
                """, [tenant.id, ada.id])
            let details = try plan.map { try $0.decode("detail", as: String.self) }.joined(separator: "; ")
            #expect(details.contains("messages_user_newest"), "\(details)")
            #expect(!details.contains("TEMP B-TREE"), "\(details)")
        }

        let bobPage = await owner.get(Self.panel(bob))
        #expect(bobPage.text.contains("99999"))
        let nobody = await owner.get(
            Self.panel(try await app.makeUser(tenant: "acme", email: "carl@acme.test")))
        #expect(nobody.text.contains("No text messages yet."))
    }

    @Test("a name with HTML is shown as text")
    func escaping() async throws {
        let (app, _, _, owner) = try await Self.fixture()
        let mallory = try await app.makeUser(
            tenant: "acme", email: "mallory@acme.test", name: "<script>alert(1)</script><b>M</b>")
        let page = await owner.get(Self.panel(mallory))
        #expect(page.status == 200)
        #expect(!page.text.contains("<script>alert"))
        #expect(!page.text.contains("<b>M</b>"))
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;M&lt;/b&gt;"))
    }

    @Test("an administrator who may not manage users sees every control disabled with the reason")
    func readOnlyRendering() async throws {
        let (app, tenant, ada, _) = try await Self.fixture()
        // No role lacks manageUsers yet among those who may see the panel: the view only reads
        // `canManageUsers`, so a member's principal stands in for the read-only administrator.
        let principal = Principal(tenant: tenant, user: ada, credential: .apiKey(id: "key_test", name: "test"))
        #expect(!principal.canManageUsers)
        let view = UserPanelView(
            principal: principal, user: ada,
            mfa: try await Self.mfaView(app, tenant: tenant, user: ada),
            overview: try await MFAService(environment: app.environment).overview(
                Self.administrator(tenant), userID: ada.id),
            messages: [],
            policyNames: [:], catalog: app.environment.catalog, dates: PageDates(timeZone: "UTC"),
            now: app.clock.now())
        let templates = try TemplateLibrary(directory: TestApp.repositoryRoot.appendingPathComponent("Templates"))
        let html = try templates.render("pages/admin-user", .object(view.content(csrf: "token", error: nil)))
        let toggle = try #require(PageHTML.inputs(in: html).first { $0.attributes["id"] == "require-mfa" })
        #expect(toggle.attributes["disabled"] != nil)
        #expect(toggle.attributes["aria-describedby"] == "require-mfa-hint")
        #expect(html.contains("id=\"require-mfa-hint\">\(UserPanelView.readOnlyExplanation)</p>"))
        for input in PageHTML.inputs(in: html) where input.attributes["type"] != "hidden" {
            #expect(input.attributes["disabled"] != nil, "\(input.raw)")
        }
        for button in PageHTML.tags("button", in: html) {
            #expect(button.attributes["disabled"] != nil, "\(button.raw)")
            let described = button.attributes["aria-describedby"] ?? ""
            #expect(!described.isEmpty, "\(button.raw)")
            for id in described.split(separator: " ") { #expect(html.contains("id=\"\(id)\""), "\(id)") }
        }
    }

    /// `user`'s MFA view as an administrator reads it (an API key of the tenant).
    static func mfaView(_ app: TestApp, tenant: Tenant, user: User) async throws -> MFAEnforcementView {
        try await EnforcementService(environment: app.environment).status(administrator(tenant), userID: user.id).1
    }

    /// An API key of `tenant`: it acts with administrator rights.
    static func administrator(_ tenant: Tenant) -> Principal {
        Principal(tenant: tenant, user: nil, credential: .apiKey(id: "key_test", name: "test"))
    }

    /// Records an SMS for `userID` as the outbox would (no text: `messages` has no column for it).
    static func insertSMS(
        _ app: TestApp, tenantID: String, userID: String, status: String, errorCode: String? = nil, at date: Date
    ) async throws {
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        let id = "msg_" + UUID().uuidString
        _ = try await app.database.write { connection in
            try connection.run(
                """
                INSERT INTO messages (id, channel, tenant_id, user_id, recipient, status, error_code, created_at,
                    updated_at)
                VALUES (?, 'sms', ?, ?, '+14155550142', ?, ?, ?, ?)
                """,
                id, tenantID, userID, status, errorCode, milliseconds, milliseconds)
        }
    }
}
