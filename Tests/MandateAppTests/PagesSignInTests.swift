import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The sign-in path of the dashboard through its forms and cookies (issue 8, first slice).
@Suite("Pages: sign-in")
struct PagesSignInTests {
    @Test("a user with an authenticator app: account → sign-in → code → account → sign-out")
    func journeyWithTOTP() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let member = try await app.makeUser(tenant: "acme", email: "ada@acme.test", name: "Ada")
        let (secret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        let browser = PageClient(app)

        // Asking for a page sends the visitor to sign-in, remembering the page.
        let asked = await browser.get("/account")
        #expect(asked.status == 303)
        #expect(asked.headers["Location"] == "/sign-in?returnTo=%2Faccount")
        let signInPage = try await browser.follow(asked)
        #expect(signInPage.status == 200)
        #expect(signInPage.text.contains("name=\"returnTo\" value=\"/account\""))
        let csrfCookie = try #require(browser.lastSetCookie("mandate_csrf"))
        #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Strict"))

        // The password step leads to the second factor; the challenge token stays out of the URL.
        let password = try await browser.submit(
            "/sign-in", on: signInPage,
            ["organization": "acme", "email": "ada@acme.test", "password": TestApp.password])
        #expect(password.status == 303)
        let mfaLocation = try #require(password.headers["Location"])
        #expect(mfaLocation == "/sign-in/mfa?returnTo=%2Faccount")
        let challengeCookie = try #require(browser.lastSetCookie("mandate_mfa"))
        #expect(challengeCookie.contains("mandate_mfa=mdc_"))
        #expect(challengeCookie.contains("HttpOnly") && challengeCookie.contains("Max-Age=900"))
        #expect(browser.cookie("mandate_session") == nil)

        let mfaPage = try await browser.follow(password)
        #expect(mfaPage.status == 200)
        #expect(mfaPage.text.contains("Authenticator app"))
        #expect(mfaPage.text.contains("Use a recovery code"))
        #expect(!mfaPage.text.contains("Send a code by SMS"))

        // A wrong code: the page again, 401, with the reason; the failure counts.
        let wrong = try await browser.submit("/sign-in/mfa", on: mfaPage, ["code": "000000"])
        #expect(wrong.status == 401)
        #expect(wrong.text.contains("The code is not valid"))
        #expect(try await app.failedAttempts(member.id) == 1)

        // The right code: a session cookie, the challenge cookie gone, back to the page asked for.
        let verified = try await browser.submit("/sign-in/mfa", on: wrong, ["code": try app.totpCode(secret)])
        #expect(verified.status == 303)
        #expect(verified.headers["Location"] == "/account")
        let sessionCookie = try #require(browser.lastSetCookie("mandate_session"))
        #expect(sessionCookie.hasPrefix("mandate_session=mds_"))
        #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Lax"))
        #expect(sessionCookie.contains("Path=/") && !sessionCookie.contains("Secure"))
        #expect(browser.cookie("mandate_mfa") == nil)
        #expect(try await app.failedAttempts(member.id) == 0)
        let sessions = try await app.query("SELECT kind FROM sessions WHERE user_id = ?", [member.id])
        #expect(try sessions.map { try $0.decode(0, as: String.self) }.sorted() == ["api", "browser"])

        let account = try await browser.follow(verified)
        #expect(account.status == 200)
        #expect(account.text.contains("ada@acme.test"))
        #expect(account.text.contains("data-status=\"enrolled\""))
        #expect(account.text.contains("Authenticator app"))

        // Signing out ends the session on the server and in the browser.
        let signedOut = try await browser.submit("/sign-out", on: account)
        #expect(signedOut.status == 303)
        #expect(signedOut.headers["Location"] == "/sign-in")
        #expect(browser.cookie("mandate_session") == nil)
        #expect(
            try await app.query("SELECT 1 FROM sessions WHERE user_id = ? AND kind = 'browser'", [member.id]).isEmpty)
        let afterSignOut = try await browser.follow(signedOut)
        #expect(afterSignOut.text.contains("You have signed out."))
        #expect(await browser.get("/account").status == 303)
    }

    @Test("returnTo is honoured for paths on this site and ignored otherwise")
    func returnTo() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let honoured = try await PageClient(app).signIn(
            "acme", "owner@acme.test", returnTo: "/account/mfa/setup?from=email")
        #expect(honoured.status == 303)
        #expect(honoured.headers["Location"] == "/account/mfa/setup?from=email")
        for offSite in [
            "//evil.example/account", "https://evil.example/", "/\\evil.example", "evil.example", "/%0d%0aSet-Cookie:x",
            "/account\r\nX: y", "javascript:alert(1)", "/sign-in", "",
        ] {
            let response = try await PageClient(app).signIn("acme", "owner@acme.test", returnTo: offSite)
            #expect(response.status == 303)
            let location = response.headers["Location"]
            #expect(location == "/account" || (offSite == "/%0d%0aSet-Cookie:x" && location == offSite), "\(offSite)")
        }
        // Posted directly, an off-site value is ignored too.
        let browser = PageClient(app)
        let posted = try await browser.submit(
            "/sign-in", on: await browser.get("/sign-in"),
            [
                "organization": "acme", "email": "owner@acme.test", "password": TestApp.password,
                "returnTo": "//evil.example/",
            ])
        #expect(posted.headers["Location"] == "/account")
        // Off-site values are not even put into the form.
        let page = await PageClient(app).get("/sign-in?returnTo=%2F%2Fevil.example")
        #expect(!page.text.contains("evil.example"))
    }

    @Test("a refused sign-in shows why, keeps what was typed except the password, and answers 4xx")
    func refusedSignIn() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let browser = PageClient(app)
        let response = try await browser.signIn("acme", "owner@acme.test", password: "not the password at all")
        #expect(response.status == 401)
        #expect(response.text.contains("Sign-in failed."))
        #expect(response.text.contains("value=\"acme\""))
        #expect(response.text.contains("value=\"owner@acme.test\""))
        #expect(!response.text.contains("not the password at all"))
        #expect(browser.cookie("mandate_session") == nil)
        // Missing fields: 422, nothing checked.
        let empty = try await browser.submit("/sign-in", on: response, ["organization": "acme", "email": ""])
        #expect(empty.status == 422)
        #expect(empty.text.contains("Enter your organization, your email and your password."))
        // The sign-in page of an already signed-in browser leads on.
        try await browser.signInFully("acme", "owner@acme.test")
        let again = await browser.get("/sign-in?returnTo=%2Faccount%2Fmfa%2Fsetup")
        #expect(again.status == 303)
        #expect(again.headers["Location"] == "/account/mfa/setup")
    }

    @Test("past the enrollment deadline under lock_out, the page says so and whom to ask")
    func enrollmentExpired() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: "business")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(
            owner, ["mfaRequired": true, "mfaEnrollmentDays": 1, "mfaExpiryAction": "lock_out"])
        app.clock.advance(by: 2 * 86_400)
        let response = try await PageClient(app).signIn("acme", "ada@acme.test")
        #expect(response.status == 403)
        #expect(response.text.contains("Ask an administrator of Acme Inc"))
    }

    @Test("in an enrollment period, sign-in offers the soft setup, whose skip leads on to the page asked for")
    func enrollmentPeriodOffersSetup() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        let browser = PageClient(app)
        let response = try await browser.signIn("acme", "ada@acme.test", returnTo: "/account?tab=security")
        #expect(response.status == 303)
        let location = try #require(URLComponents(string: response.headers["Location"] ?? ""))
        #expect(location.path == "/account/mfa/setup")
        #expect(location.queryItems?.first { $0.name == "returnTo" }?.value == "/account?tab=security")
        #expect(browser.cookie("mandate_session") != nil)

        let setup = try await browser.follow(response)
        #expect(setup.status == 200)
        #expect(setup.text.contains("data-status=\"enrollment_period\""))
        #expect(setup.text.contains("<time datetime=\"2026-01-08T00:00:00.000Z\">"))
        #expect(setup.text.contains("<a href=\"/account?tab&#61;security\">Not now</a>"))
        #expect(!setup.text.contains("alert--warn"))
        // Skipping: the page asked for, with the banner; the session is a full one.
        let account = await browser.get("/account?tab=security")
        #expect(account.status == 200)
        #expect(account.text.contains("class=\"banner\""))
    }

    @Test("over TLS the cookies are Secure and __Host- prefixed")
    func secureCookies() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let browser = PageClient(app, isSecure: true)
        try await browser.signInFully("acme", "owner@acme.test")
        let session = try #require(browser.lastSetCookie("mandate_session"))
        #expect(session.hasPrefix("__Host-mandate_session=mds_"))
        #expect(session.contains("; Path=/") && session.contains("; Secure") && session.contains("; HttpOnly"))
        #expect(!session.contains("Domain"))
        let csrf = try #require(browser.lastSetCookie("mandate_csrf"))
        #expect(csrf.hasPrefix("__Host-mandate_csrf=") && csrf.contains("; Secure"))
        let account = await browser.get("/account")
        #expect(account.status == 200)
        #expect(account.headers["Strict-Transport-Security"] != nil)
        // A cookie without the prefix is not the session over TLS.
        let stripped = PageClient(app, isSecure: true)
        stripped.setCookie("mandate_session", try #require(browser.cookie("mandate_session")))
        #expect(await stripped.get("/account").status == 303)
    }

    @Test("the SMS option: send a code, then sign in with it")
    func smsChallenge() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "hooli", plan: "team")
        try await app.makeUser(tenant: "hooli", email: "ada@hooli.test")
        try await app.enrollSMS(try await app.login("hooli", "ada@hooli.test"), phone: "+14155550142")
        app.clock.advance(by: 600)
        let browser = PageClient(app)
        let password = try await browser.signIn("hooli", "ada@hooli.test")
        let page = try await browser.follow(password)
        #expect(page.text.contains("Send a code by SMS"))
        #expect(!page.text.contains("name=\"method\" value=\"sms\""))
        let sent = try await browser.submit("/sign-in/mfa/sms", on: page)
        #expect(sent.status == 303)
        #expect(sent.headers["Location"] == "/sign-in/mfa")
        let withCode = try await browser.follow(sent)
        #expect(withCode.text.contains("We sent a code by SMS."))
        #expect(withCode.text.contains("We sent a code to"))
        // A resend right away is refused with the pause, and nothing is queued.
        let jobs = try await app.jobCount(kind: "sms.send")
        let tooSoon = try await browser.submit("/sign-in/mfa/sms", on: withCode)
        #expect(tooSoon.status == 429)
        #expect(tooSoon.headers["Retry-After"] != nil)
        #expect(try await app.jobCount(kind: "sms.send") == jobs)
        let messageID = try #require(
            try await app.query(
                "SELECT \(app.jsonField("payload", "messageId")) FROM jobs WHERE kind = 'sms.send' ORDER BY id DESC LIMIT 1"
            ).first?.decode(0, as: String.self))
        let code = try await app.smsCode(messageID: messageID)
        let verified = try await browser.submit("/sign-in/mfa", on: withCode, ["code": code])
        #expect(verified.status == 303)
        #expect(verified.headers["Location"] == "/account")
    }

    @Test("without the challenge cookie the second step sends back to sign-in")
    func challengeCookieRequired() async throws {
        let app = try await TestApp()
        let browser = PageClient(app)
        let page = await browser.get("/sign-in/mfa?returnTo=%2Faccount")
        #expect(page.status == 303)
        #expect(page.headers["Location"] == "/sign-in?returnTo=%2Faccount")
        browser.setCookie("mandate_mfa", "mdc_forged")
        let forged = await browser.get("/sign-in/mfa")
        #expect(forged.status == 303)
        #expect(forged.headers["Location"] == "/sign-in")
        #expect(browser.cookie("mandate_mfa") == nil)
    }
}
