import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// SMS setup through the pages (issue 8: "SMS setup (phone → code → done)") and the SMS
/// challenge at sign-in, with their errors and resend waits.
@Suite("Pages: SMS setup")
struct PagesSMSSetupTests {
    static let phone = "+44 7700 900123"

    /// A signed-in browser of Ada (no factor yet) in `acme` on `plan`.
    func makeBrowser(plan: String = "enterprise") async throws -> (TestApp, PageClient) {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: plan)
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let browser = PageClient(app)
        try await browser.signInFully("acme", "ada@acme.test")
        return (app, browser)
    }

    @Test("phone → code → done with recovery codes, then sign-in with an SMS code and its resend countdown")
    func setupAndSignIn() async throws {
        let (app, browser) = try await makeBrowser()
        let setup = await browser.get("/account/mfa/setup")
        #expect(setup.status == 200)
        #expect(setup.text.contains("Text message (SMS)"))
        #expect(setup.text.contains("Authenticator app"))

        let sent = try await browser.submit("/account/mfa/setup/sms", on: setup, ["phoneNumber": Self.phone])
        #expect(sent.status == 200, "\(sent.text)")
        #expect(sent.text.contains("We sent a 6-digit code to <strong>+••••••••••23</strong>"))
        #expect(sent.text.contains("data-countdown=\"30\""))
        let code = try await latestSMSCode(app)

        // A wrong code: the code form again with the tries left.
        let wrongCode = code == "000000" ? "111111" : "000000"
        let wrong = try await browser.submit("/account/mfa/setup/sms/confirm", on: sent, ["code": wrongCode])
        #expect(wrong.status == 422)
        #expect(wrong.text.contains("The code is not valid. 4 more tries left."))
        #expect(wrong.text.contains("action=\"/account/mfa/setup/sms/confirm\""))

        // Too early for a new code: the wait is named, the code form stays.
        let early = try await browser.submit("/account/mfa/setup/sms", on: wrong)
        #expect(early.status == 429)
        #expect(Int(early.headers["Retry-After"] ?? "") ?? 0 > 0)
        #expect(early.text.contains("Try again in"))
        #expect(early.text.contains("action=\"/account/mfa/setup/sms/confirm\""))

        let done = try await browser.submit("/account/mfa/setup/sms/confirm", on: early, ["code": code])
        #expect(done.status == 200, "\(done.text)")
        #expect(done.text.contains("a code sent by SMS to your phone"))
        #expect(done.text.contains("Save your recovery codes"))
        let overview = try await app.query("SELECT kind, state FROM mfa_factors")
        #expect(overview.count == 1)
        #expect(try overview.first?.decode(1, as: String.self) == "active")
        let again = await browser.get("/account/mfa/setup")
        #expect(again.text.contains("You already receive codes by SMS"))

        // Sign in again: ask for a code, see the countdown, enter it.
        app.clock.advance(by: 120)
        let next = PageClient(app)
        let challenge = try await next.follow(try await next.signIn("acme", "ada@acme.test"))
        #expect(challenge.text.contains("Send a code by SMS"))
        let asked = try await next.submit("/sign-in/mfa/sms", on: challenge)
        #expect(asked.status == 303)
        let withCode = try await next.follow(asked)
        #expect(withCode.text.contains("data-countdown="))
        let signInCode = try await latestSMSCode(app)
        let verified = try await next.submit(
            "/sign-in/mfa", on: withCode, ["method": "sms", "code": signInCode])
        #expect(verified.status == 303, "\(verified.text)")
        #expect(verified.headers["Location"] == "/account")
    }

    @Test("an invalid number, a country the organization does not allow, and a code before any number")
    func refusals() async throws {
        let (app, browser) = try await makeBrowser()
        let setup = await browser.get("/account/mfa/setup")
        let invalid = try await browser.submit("/account/mfa/setup/sms", on: setup, ["phoneNumber": "12"])
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("role=\"alert\""))
        #expect(invalid.text.contains("value=\"12\""))

        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(owner, ["smsCountryCodes": ["44"]])
        let limited = await browser.get("/account/mfa/setup")
        #expect(limited.text.contains("allows numbers starting with +44"))
        let foreign = try await browser.submit(
            "/account/mfa/setup/sms", on: limited, ["phoneNumber": "+1 415 555 0100"])
        #expect(foreign.status == 403)
        #expect(foreign.text.contains("does not allow SMS to this country"))
        #expect(try await app.jobCount(kind: "sms.send") == 0)
    }

    @Test("plans without SMS do not offer it")
    func notOnPlan() async throws {
        let (_, browser) = try await makeBrowser(plan: "free")
        let setup = await browser.get("/account/mfa/setup")
        #expect(setup.status == 200)
        #expect(!setup.text.contains("/account/mfa/setup/sms"))
    }

    /// The code of the newest queued SMS, as the provider would receive it.
    func latestSMSCode(_ app: TestApp) async throws -> String {
        let rows = try await app.query(
            "SELECT \(app.jsonField("payload", "messageId")) FROM jobs WHERE kind = 'sms.send' ORDER BY id DESC LIMIT 1"
        )
        let messageID = try #require(try rows.first?.decode(0, as: String.self))
        return try await app.smsCode(messageID: messageID)
    }
}
