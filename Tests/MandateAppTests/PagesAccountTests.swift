import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The security page, the setup-only session, the banner and the page session's lifetime.
@Suite("Pages: account")
struct PagesAccountTests {
    @Test("a setup-only session reaches only setup and sign-out; setup rotates it and returns to the page asked for")
    func setupOnlySession() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let member = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])

        let browser = PageClient(app)
        let signedIn = try await browser.signIn("acme", "ada@acme.test", returnTo: "/account")
        #expect(signedIn.status == 303)
        #expect(signedIn.headers["Location"] == "/account/mfa/setup?returnTo=%2Faccount")
        let setupToken = try #require(browser.cookie("mandate_session"))
        #expect(
            try await app.query("SELECT scope FROM sessions WHERE user_id = ?", [member.id]).first?.decode(0)
                == "mfa_setup")

        // Every other page redirects to setup, keeping the page asked for.
        let account = await browser.get("/account")
        #expect(account.status == 303)
        #expect(account.headers["Location"] == "/account/mfa/setup?returnTo=%2Faccount")
        let setup = try await browser.follow(account)
        #expect(setup.status == 200)
        #expect(setup.text.contains("Your organization requires multi-factor authentication."))
        #expect(!setup.text.contains("Not now"))
        #expect(!setup.text.contains("href=\"/account\">My account</a>"), "no navigation during forced setup")
        #expect(setup.text.contains("action=\"/sign-out\""))

        // Set up an authenticator app through the forms.
        let started = try await browser.submit("/account/mfa/setup/totp", on: setup)
        #expect(started.status == 200)
        #expect(started.text.contains("<svg"))
        let secret = try PageClient.totpSecret(in: started)
        let wrong = try await browser.submit("/account/mfa/setup/totp/confirm", on: started, ["code": "000000"])
        #expect(wrong.status == 422)
        let done = try await browser.submit(
            "/account/mfa/setup/totp/confirm", on: wrong, ["code": try app.totpCode(secret)])
        #expect(done.status == 200)
        #expect(done.headers["Cache-Control"] == "no-store")
        let codes = PageHTML.tags("code", in: done.text)
        #expect(codes.count == 10)
        #expect(done.text.contains("href=\"/account\">Continue</a>"))
        // The session was rotated into a full one: a new cookie, the old token dead.
        let fullToken = try #require(browser.cookie("mandate_session"))
        #expect(fullToken != setupToken)
        #expect(
            try await app.query("SELECT scope FROM sessions WHERE user_id = ?", [member.id]).map {
                try $0.decode(0, as: String.self)
            } == ["full"])
        #expect(await browser.get("/account").status == 200)
        let stale = PageClient(app)
        stale.setCookie("mandate_session", setupToken)
        #expect(await stale.get("/account").status == 303)

        // The page's sign-out form carries the new session's token.
        let page = await browser.get("/account")
        #expect(try await browser.submit("/sign-out", on: page).status == 303)
    }

    @Test("user-controlled text is escaped everywhere it is shown")
    func escaping() async throws {
        let app = try await TestApp()
        _ = try await TenantService(environment: app.environment).create(
            slug: "evil", name: "<img src=x onerror=alert(1)>", planID: "enterprise", status: .active)
        _ = try await OperatorService(environment: app.environment).createUser(
            tenantSlug: "evil", email: "mallory@evil.test", name: "<script>alert(\"pwned\")</script>", role: .owner,
            password: TestApp.password)
        let browser = PageClient(app)
        try await browser.signInFully("evil", "mallory@evil.test")
        let account = await browser.get("/account")
        #expect(account.status == 200)
        #expect(!account.text.contains("<script>alert"))
        #expect(!account.text.contains("<img src=x"))
        #expect(account.text.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"))
        #expect(account.text.contains("&lt;img src&#61;x onerror&#61;alert(1)&gt;"))
        // What a visitor types comes back escaped too.
        let refused = try await PageClient(app).signIn("\"><script>x</script>", "a\"@b.test")
        #expect(refused.status == 401)
        #expect(!refused.text.contains("<script>x"))
        #expect(refused.text.contains("&quot;&gt;&lt;script&gt;x&lt;/script&gt;"))
    }

    @Test("the turn-off button is disabled with an explanation while MFA is required, and the form refuses")
    func disableWhileRequired() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let member = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let (secret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        let owner = try await app.login("acme", "owner@acme.test")
        let required = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 0])
        #expect(required.status == 200)

        let browser = PageClient(app)
        try await browser.signInWithTOTP("ada@acme.test", secret: secret, signInPage: await browser.get("/sign-in"))
        let account = await browser.get("/account")
        let explanation = "Acme Inc requires multi-factor authentication for your account, so you cannot turn it off."
        let button = try #require(
            PageHTML.tags("button", in: account.text).first { $0.raw.contains("button--danger") })
        #expect(button.attributes["disabled"] != nil)
        #expect(button.attributes["title"] == explanation)
        #expect(button.attributes["aria-describedby"] == "disable-reason")
        #expect(account.text.contains("<p class=\"hint\" id=\"disable-reason\">\(explanation)</p>"))
        #expect(account.text.contains("an administrator, for your account"))

        // Posting anyway (a valid token, the right password) changes nothing.
        let csrf = try #require(try PageHTML.hiddenFields(of: "/account/mfa/disable", in: account.text).first?.1)
        let refused = await browser.post(
            "/account/mfa/disable", [("csrf", csrf), ("password", TestApp.password)])
        #expect(refused.status == 403)
        #expect(refused.text.contains(explanation))
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).count == 1)

        // Without the requirement the button works: password confirmed, every factor removed.
        let lifted = await app.request(.patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": false])
        #expect(lifted.status == 200)
        let enabled = await browser.get("/account")
        let enabledButton = try #require(
            PageHTML.tags("button", in: enabled.text).first { $0.raw.contains("button--danger") })
        #expect(enabledButton.attributes["disabled"] == nil)
        let wrongPassword = try await browser.submit(
            "/account/mfa/disable", on: enabled, ["password": "not my password at all"])
        #expect(wrongPassword.status == 422)
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).count == 1)
        let disabled = try await browser.submit("/account/mfa/disable", on: enabled, ["password": TestApp.password])
        #expect(disabled.status == 303)
        #expect(disabled.headers["Location"] == "/account")
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).isEmpty)
        let after = try await browser.follow(disabled)
        #expect(after.text.contains("Multi-factor authentication is off."))
        #expect(after.text.contains("data-status=\"not_enrolled\""))
    }

    @Test("during an enrollment period every page shows the banner with the deadline")
    func banner() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let browser = PageClient(app)
        try await browser.signInFully("acme", "ada@acme.test")
        #expect(!(await browser.get("/account")).text.contains("class=\"banner\""))

        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        let account = await browser.get("/account")
        #expect(account.status == 200)
        #expect(account.text.contains("class=\"banner\""))
        // The manual clock starts at 2026-01-01T00:00:00Z; the tenant's zone is UTC by default.
        #expect(
            account.text.contains("by <time datetime=\"2026-01-08T00:00:00.000Z\">8 January 2026 at 00:00 (UTC)</time>")
        )
        #expect(account.text.contains("data-status=\"enrollment_period\""))
        #expect(account.text.contains("href=\"/account/mfa/setup\">Set it up now</a>"))
        // A member in the period may skip setup.
        #expect((await browser.get("/account/mfa/setup")).text.contains("Not now"))
    }

    @Test("page sessions expire like API sessions, and only browser sessions of users count")
    func sessionLifetime() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")
        #expect(await browser.get("/account").status == 200)
        app.clock.advance(by: 31 * 60)
        let expired = await browser.get("/account")
        #expect(expired.status == 303)
        #expect(expired.headers["Location"] == "/sign-in?returnTo=%2Faccount")
        #expect(browser.cookie("mandate_session") == nil)
        #expect((try await browser.follow(expired)).text.contains("Your session has ended."))

        // An API session token or an API key in the cookie is not a page sign-in.
        let apiToken = try await app.login("acme", "owner@acme.test")
        let key = await app.request(.post, "/api/v1/api-keys", token: apiToken, json: ["name": "robot"])
        for token in [apiToken, try #require(key.string("secret"))] {
            let other = PageClient(app)
            other.setCookie("mandate_session", token)
            #expect(await other.get("/account").status == 303)
        }
        // Signing out through the API's token in a cookie does nothing either.
        #expect(await app.request(.get, "/api/v1/me", token: apiToken).status == 200)
    }
}
