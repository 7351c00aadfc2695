import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import SQLite
import Storage
import Testing

/// SECURITY.md "CSRF: a session-bound token on every state-changing form (sign-in form too), and
/// reject cross-site `Sec-Fetch-Site` / foreign `Origin` on unsafe methods". Every form is tried
/// with no token and with tokens from elsewhere; each must answer a 403 page and change nothing,
/// while the page's own token works.
@Suite("Pages: CSRF")
struct PagesCSRFTests {
    /// Every state-changing form of the pages. EXTEND THIS when adding one: `coverage` fails and
    /// names the route until you do.
    static let forms = [
        "/sign-in", "/sign-in/mfa", "/sign-in/mfa/sms", "/sign-out", "/account/mfa/disable", "/account/mfa/setup/totp",
        "/account/mfa/setup/totp/confirm", "/account/mfa/setup/sms", "/account/mfa/setup/sms/confirm",
        "/admin/security", "/admin/billing/restore", "/invitations/accept",
        "/admin/policies", "/admin/policies/:id", "/admin/policies/:id/toggle", "/admin/policies/:id/delete",
        "/admin/users/:id/mfa-requirement", "/admin/users/:id/mfa/reset", "/admin/users/:id/exemption",
        "/admin/users/:id/enrollment/reset", "/account/mfa/recovery-codes", "/admin/jobs/:id/retry",
        "/admin/users/bulk",
    ]

    /// Route prefixes that are not pages (JSON, inbound webhooks, the dev outbox's receivers).
    static let nonPagePrefixes = ["/api/", "/webhooks/", "/dev/"]

    /// One form ready to be sent: the browser in the right state, the other fields, and tokens.
    struct Scenario {
        let app: TestApp
        let browser: PageClient
        let fields: [(String, String)]
        let token: String
        /// Tokens that are valid somewhere else: another browser's, another session's, another kind.
        let foreignTokens: [String]
        /// Where to post, for a route with parameters (`/admin/policies/:id`); nil: the route itself.
        var target: String? = nil
    }

    @Test("every state-changing page route is listed here")
    func coverage() async throws {
        let app = try await TestApp()
        let posts = app.application.routeTable().filter { route in
            route.method != .get && route.method != .head
                && !Self.nonPagePrefixes.contains { route.pattern.hasPrefix($0) }
        }
        #expect(Set(posts.map(\.pattern)) == Set(Self.forms))
        #expect(posts.allSatisfy { $0.method == .post }, "pages only change state with POST forms")
    }

    @Test("a missing or foreign CSRF token is refused with a 403 page and changes nothing", arguments: forms)
    func refusesMissingAndForeignTokens(_ form: String) async throws {
        let scenario = try await makeScenario(form)
        let app = scenario.app
        let target = scenario.target ?? form
        let before = try await snapshot(app)
        var attempts: [(String, [(String, String)])] = [("no token", scenario.fields)]
        attempts.append(("empty token", scenario.fields + [("csrf", "")]))
        for (index, foreign) in scenario.foreignTokens.enumerated() {
            attempts.append(("foreign token \(index)", scenario.fields + [("csrf", foreign)]))
        }
        let typo = String(scenario.token.dropLast()) + (scenario.token.hasSuffix("A") ? "B" : "A")
        attempts.append(("token with a typo", scenario.fields + [("csrf", typo)]))
        for (name, fields) in attempts {
            let response = await scenario.browser.post(target, fields)
            #expect(
                response.status == 403, "\(form), \(name): \(response.status) \(response.headers["Location"] ?? "")")
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8", "\(form), \(name)")
            #expect(response.text.contains("Request refused"), "\(form), \(name)")
            #expect(try await snapshot(app) == before, "\(form), \(name): something changed")
        }
        // A JSON body with the right token is not a form: refused too.
        let json = await scenario.browser.request(
            .post, target, body: Array("{\"csrf\":\"\(scenario.token)\"}".utf8),
            headers: [("Content-Type", "application/json")])
        #expect(json.status == 403)
        #expect(try await snapshot(app) == before)

        // The page's own token works (the refusals above were about the token, nothing else).
        let accepted = await scenario.browser.post(target, scenario.fields + [("csrf", scenario.token)])
        #expect(accepted.status != 403, "\(form) refused its own token: \(accepted.text)")
        #expect(accepted.status < 400, "\(form): \(accepted.status) \(accepted.text)")
        #expect(try await snapshot(app) != before, "\(form) changed nothing even with its token")
    }

    @Test("a cross-site Sec-Fetch-Site or a foreign Origin is refused even with the right token")
    func refusesCrossSiteRequests() async throws {
        let scenario = try await makeScenario("/sign-in")
        let fields = scenario.fields + [("csrf", scenario.token)]
        let before = try await snapshot(scenario.app)
        for headers in [
            [("Sec-Fetch-Site", "cross-site")], [("Sec-Fetch-Site", "same-site")],
            [("Host", "mandate.example"), ("Origin", "https://evil.example")],
            [("Host", "mandate.example"), ("Origin", "null")],
            [("Origin", "https://mandate.example")],
        ] {
            let response = await scenario.browser.post("/sign-in", fields, headers: headers)
            #expect(response.status == 403, "\(headers)")
        }
        #expect(try await snapshot(scenario.app) == before)
        let sameOrigin = await scenario.browser.post(
            "/sign-in", fields,
            headers: [
                ("Host", "mandate.example"), ("Origin", "https://mandate.example"), ("Sec-Fetch-Site", "same-origin"),
            ])
        #expect(sameOrigin.status == 303)
    }

    // MARK: Scenarios

    func makeScenario(_ form: String) async throws -> Scenario {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        try await app.makeUser(tenant: "acme", email: "eve@acme.test")
        // Eve's browser provides tokens that are valid, but for someone else.
        let eve = PageClient(app)
        let eveSignIn = await eve.get("/sign-in")
        let eveAnonymous = try csrf(eveSignIn, "/sign-in")
        try await eve.signInFully("acme", "eve@acme.test")
        let eveSession = try csrf(await eve.get("/account"), "/sign-out")
        let browser = PageClient(app)
        switch form {
        case "/sign-in":
            let page = await browser.get("/sign-in")
            return Scenario(
                app: app, browser: browser,
                fields: [("organization", "acme"), ("email", "ada@acme.test"), ("password", TestApp.password)],
                token: try csrf(page, form), foreignTokens: [eveAnonymous, eveSession])
        case "/sign-in/mfa", "/sign-in/mfa/sms":
            let ada = try await app.login("acme", "ada@acme.test")
            let (secret, _) = try await app.enrollTOTP(ada)
            try await app.enrollSMS(ada, phone: "+14155550142")
            app.clock.advance(by: 600)
            let page = try await browser.follow(try await browser.signIn("acme", "ada@acme.test"))
            let fields = form == "/sign-in/mfa" ? [("method", "totp"), ("code", try app.totpCode(secret))] : []
            return Scenario(
                app: app, browser: browser, fields: fields, token: try csrf(page, form),
                foreignTokens: [eveAnonymous, eveSession])
        case "/sign-out", "/account/mfa/disable", "/account/mfa/recovery-codes":
            let (secret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
            let signInPage = await browser.get("/sign-in")
            let ownAnonymous = try csrf(signInPage, "/sign-in")
            try await browser.signInWithTOTP("ada@acme.test", secret: secret, signInPage: signInPage)
            let account = await browser.get("/account")
            let fields = form == "/sign-out" ? [] : [("password", TestApp.password)]
            return Scenario(
                app: app, browser: browser, fields: fields, token: try csrf(account, form),
                foreignTokens: [eveSession, eveAnonymous, ownAnonymous])
        case "/account/mfa/setup/totp":
            try await browser.signInFully("acme", "ada@acme.test")
            let page = await browser.get("/account/mfa/setup")
            return Scenario(
                app: app, browser: browser, fields: [], token: try csrf(page, form),
                foreignTokens: [eveSession, eveAnonymous])
        case "/account/mfa/setup/totp/confirm":
            try await browser.signInFully("acme", "ada@acme.test")
            let started = try await browser.submit(
                "/account/mfa/setup/totp", on: await browser.get("/account/mfa/setup"))
            let secret = try PageClient.totpSecret(in: started)
            return Scenario(
                app: app, browser: browser, fields: [("code", try app.totpCode(secret))],
                token: try csrf(started, form), foreignTokens: [eveSession, eveAnonymous])
        case "/account/mfa/setup/sms":
            try await browser.signInFully("acme", "ada@acme.test")
            let page = await browser.get("/account/mfa/setup")
            return Scenario(
                app: app, browser: browser, fields: [("phoneNumber", "+44 7700 900123")],
                token: try csrf(page, form), foreignTokens: [eveSession, eveAnonymous])
        case "/account/mfa/setup/sms/confirm":
            try await browser.signInFully("acme", "ada@acme.test")
            let sent = try await browser.submit(
                "/account/mfa/setup/sms", on: await browser.get("/account/mfa/setup"),
                ["phoneNumber": "+44 7700 900123"])
            let messageID = try await app.query(
                "SELECT \(app.jsonField("payload", "messageId")) FROM jobs WHERE kind = 'sms.send' ORDER BY id DESC"
            ).first?.decode(0, as: String.self)
            let code = try await app.smsCode(messageID: try #require(messageID))
            return Scenario(
                app: app, browser: browser, fields: [("code", code)], token: try csrf(sent, form),
                foreignTokens: [eveSession, eveAnonymous])
        case "/admin/security", "/admin/billing/restore":
            let isRestore = form == "/admin/billing/restore"
            if isRestore {
                try await app.updateSettings(try await app.login("acme", "owner@acme.test"), ["mfaRequired": true])
                try await PagesAdminTests.changePlan(app, tenant: "acme", to: "free")
                try await PagesAdminTests.changePlan(app, tenant: "acme", to: "enterprise")
            }
            try await browser.signInFully("acme", "owner@acme.test")
            let page = await browser.get(isRestore ? "/admin/billing" : form)
            return Scenario(
                app: app, browser: browser, fields: isRestore ? [] : [("mfaEnrollmentDays", "30")],
                token: try csrf(page, form), foreignTokens: [eveSession, eveAnonymous])
        case "/admin/policies", "/admin/policies/:id", "/admin/policies/:id/toggle", "/admin/policies/:id/delete":
            var target: String? = nil
            var pagePath = "/admin/policies"
            if form != "/admin/policies" {
                let created = await app.request(
                    .post, "/api/v1/mfa-policies", token: try await app.login("acme", "owner@acme.test"),
                    json: ["name": "All", "includeAllUsers": true, "enabled": false])
                guard created.status == 201, let id = created.string("id") else {
                    throw TestFailure("policy: \(created.status) \(created.text)")
                }
                target = form.replacingOccurrences(of: ":id", with: id)
                // The policy's own page holds the edit and delete forms; the list the toggles.
                if form != "/admin/policies/:id/toggle" { pagePath += "/" + id }
            }
            try await browser.signInFully("acme", "owner@acme.test")
            let page = await browser.get(pagePath)
            let fields: [(String, String)] =
                switch form {
                case "/admin/policies/:id/toggle": [("enabled", "true")]
                case "/admin/policies/:id/delete": [("confirm", "yes")]
                default: [("name", "Everyone"), ("appliesTo", "all"), ("enrollmentDays", "3"), ("enabled", "on")]
                }
            return Scenario(
                app: app, browser: browser, fields: fields, token: try csrf(page, target ?? form),
                foreignTokens: [eveSession, eveAnonymous], target: target)
        case "/admin/jobs/:id/retry":
            let acme = try await app.query("SELECT id FROM tenants WHERE slug = 'acme'").first?.decode(
                0, as: String.self)
            let id = try await PagesJobsTests.enqueue(app, tenantID: try #require(acme))
            try await PagesJobsTests.kill(app, id)
            try await browser.signInFully("acme", "owner@acme.test")
            let target = "/admin/jobs/\(id)/retry"
            return Scenario(
                app: app, browser: browser, fields: [], token: try csrf(await browser.get("/admin/jobs"), target),
                foreignTokens: [eveSession, eveAnonymous], target: target)
        case "/admin/users/bulk":
            try await browser.signInFully("acme", "owner@acme.test")
            let page = await browser.get("/admin/users")
            let ada = try await app.query("SELECT id FROM users WHERE email = 'ada@acme.test'")
            let adaID = try #require(try ada.first?.decode(0, as: String.self))
            return Scenario(
                app: app, browser: browser,
                fields: [("userIds", adaID), ("action", "require"), ("enrollmentDays", "7")],
                token: try csrf(page, form), foreignTokens: [eveSession, eveAnonymous])
        case "/invitations/accept":
            let invited = try await app.invite(try await app.login("acme", "owner@acme.test"), email: "new@acme.test")
            let page = await browser.get(PagesInvitationTests.link(invited))
            return Scenario(
                app: app, browser: browser,
                fields: [("token", invited.token.value), ("password", PagesInvitationTests.passphrase)],
                token: try csrf(page, form), foreignTokens: [eveAnonymous, eveSession])
        case "/admin/users/:id/mfa-requirement", "/admin/users/:id/mfa/reset", "/admin/users/:id/exemption",
            "/admin/users/:id/enrollment/reset":
            let ada = try #require(
                try await app.query("SELECT id FROM users WHERE email = 'ada@acme.test'").first?.decode(
                    0, as: String.self))
            _ = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
            let target = form.replacingOccurrences(of: ":id", with: ada)
            try await browser.signInFully("acme", "owner@acme.test")
            let page = await browser.get("/admin/users/" + ada)
            let fields: [(String, String)] =
                switch form {
                case "/admin/users/:id/mfa-requirement": [("mfaRequired", "on"), ("mfaEnrollmentDays", "7")]
                case "/admin/users/:id/mfa/reset": [("confirm", "on")]
                case "/admin/users/:id/exemption": [("exemption", "grant"), ("exemptUntil", "")]
                default: []
                }
            return Scenario(
                app: app, browser: browser, fields: fields, token: try csrf(page, target),
                foreignTokens: [eveSession, eveAnonymous], target: target)
        default:
            throw TestFailure("no scenario for \(form): add one to PagesCSRFTests.makeScenario")
        }
    }

    func csrf(_ page: TestApp.Response, _ action: String) throws -> String {
        let fields = try PageHTML.hiddenFields(of: action, in: page.text)
        return try #require(fields.first { $0.0 == "csrf" }?.1, "no csrf field in the \(action) form")
    }

    /// Everything a form could change, as text.
    func snapshot(_ app: TestApp) async throws -> [String] {
        var lines: [String] = []
        for table in [
            "users", "sessions", "mfa_factors", "mfa_challenges", "sms_codes", "recovery_codes", "jobs", "audit_events",
            "messages",
        ] {
            for row in try await app.query("SELECT * FROM \(table) ORDER BY 1") {
                lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return lines
    }
}

extension PageClient {
    /// Submits the sign-in form of `signInPage` for `email`, then the authenticator code of `secret`.
    func signInWithTOTP(_ email: String, secret: String, signInPage: TestApp.Response) async throws {
        let password = try await submit(
            "/sign-in", on: signInPage, ["organization": "acme", "email": email, "password": TestApp.password])
        let challenge = try await follow(password)
        let verified = try await submit("/sign-in/mfa", on: challenge, ["code": try app.totpCode(secret)])
        guard verified.status == 303 else { throw TestFailure("TOTP sign-in: \(verified.status) \(verified.text)") }
    }
}
