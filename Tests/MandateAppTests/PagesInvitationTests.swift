import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import Testing

/// The invitation link's page, `GET|POST /invitations/accept?token=…`: choosing a password
/// activates the user through the same service as `POST /api/v1/invitations/accept` and signs
/// them in with the page's cookie.
@Suite("Pages: invitation")
struct PagesInvitationTests {
    static let passphrase = "a fine new passphrase"

    func fixture() async throws -> (app: TestApp, owner: String, invited: UserService.Invited) {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let owner = try await app.login("acme", "owner@acme.test")
        return (app, owner, try await app.invite(owner, email: "new@acme.test"))
    }

    static func link(_ invited: UserService.Invited) -> String {
        "/invitations/accept" + TestApp.queryString(["token": invited.token.value])
    }

    @Test("choosing a password activates the account, sets the session cookie and lands on the account page")
    func accept() async throws {
        let (app, _, invited) = try await fixture()
        let browser = PageClient(app)
        let page = await browser.get(Self.link(invited))
        #expect(page.status == 200)
        #expect(page.text.contains("Accept your invitation"))
        let hidden = try PageHTML.hiddenFields(of: "/invitations/accept", in: page.text)
        #expect(hidden.contains { $0 == ("token", invited.token.value) })
        #expect(browser.cookie("mandate_session") == nil)

        let accepted = try await browser.submit(
            "/invitations/accept", on: page, ["password": Self.passphrase, "name": "  New Person "])
        #expect(accepted.status == 303)
        #expect(accepted.headers["Location"] == "/account")
        let cookie = try #require(browser.lastSetCookie("mandate_session"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
        #expect(try await app.userColumn("status", of: invited.user.id, as: String.self) == "active")
        #expect(try await app.userColumn("name", of: invited.user.id, as: String.self) == "New Person")
        let account = try await browser.follow(accepted)
        #expect(account.status == 200)
        #expect(account.text.contains("new@acme.test"))

        // Single use: the same link again is refused, without a form.
        let other = PageClient(app)
        let again = try await other.submit(
            "/invitations/accept", on: await other.get(Self.link(invited)), ["password": Self.passphrase])
        #expect(again.status == 422)
    }

    @Test("when a requirement is due at once, the new user lands on forced setup")
    func forcedSetupWhenDue() async throws {
        let (app, owner, invited) = try await fixture()
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        let browser = PageClient(app)
        let accepted = try await browser.submit(
            "/invitations/accept", on: await browser.get(Self.link(invited)), ["password": Self.passphrase])
        #expect(accepted.status == 303)
        #expect(accepted.headers["Location"] == "/account/mfa/setup")
        let setup = try await browser.follow(accepted)
        #expect(setup.status == 200)
        #expect(setup.text.contains("requires multi-factor authentication"))
        #expect(!setup.text.contains("Not now"))
    }

    @Test("an unknown, used or expired link shows why, with no form, and activates nobody")
    func badOrExpiredToken() async throws {
        let (app, _, invited) = try await fixture()
        let browser = PageClient(app)
        let missing = await browser.get("/invitations/accept")
        #expect(missing.status == 404)
        #expect(missing.text.contains(CredentialService.invalidInvitationMessage))
        #expect(!missing.text.contains("<form method=\"post\" action=\"/invitations/accept\""))

        let bogusPage = await browser.get("/invitations/accept?token=mdi_bogus")
        let bogus = try await browser.submit("/invitations/accept", on: bogusPage, ["password": Self.passphrase])
        #expect(bogus.status == 422)
        #expect(bogus.text.contains(CredentialService.invalidInvitationMessage))
        #expect(!bogus.text.contains("<form method=\"post\" action=\"/invitations/accept\""))
        #expect(browser.cookie("mandate_session") == nil)

        let page = await browser.get(Self.link(invited))
        app.clock.advance(by: 7 * 86_400 + 1)
        let expired = try await browser.submit("/invitations/accept", on: page, ["password": Self.passphrase])
        #expect(expired.status == 422)
        #expect(expired.text.contains(CredentialService.invalidInvitationMessage))
        #expect(browser.cookie("mandate_session") == nil)
        #expect(try await app.userColumn("status", of: invited.user.id, as: String.self) == "invited")
    }

    @Test("a weak or missing password is explained, and the form keeps the name but not the password")
    func weakPassword() async throws {
        let (app, _, invited) = try await fixture()
        let browser = PageClient(app)
        let page = await browser.get(Self.link(invited))
        let weak = try await browser.submit("/invitations/accept", on: page, ["password": "short", "name": "Newt"])
        #expect(weak.status == 422)
        #expect(weak.text.contains("Passwords must be at least"))
        #expect(weak.text.contains("value=\"Newt\""))
        #expect(!weak.text.contains("value=\"short\""))
        #expect(try PageHTML.hiddenFields(of: "/invitations/accept", in: weak.text).contains { $0.0 == "token" })
        let empty = try await browser.submit("/invitations/accept", on: page, ["password": ""])
        #expect(empty.status == 422)
        #expect(empty.text.contains("Choose a password."))
        #expect(try await app.userColumn("status", of: invited.user.id, as: String.self) == "invited")
        #expect(browser.cookie("mandate_session") == nil)

        // The corrected password then works on the page the refusal answered with.
        let accepted = try await browser.submit("/invitations/accept", on: weak, ["password": Self.passphrase])
        #expect(accepted.status == 303)
    }

    @Test("the form needs its CSRF token")
    func csrf() async throws {
        let (app, _, invited) = try await fixture()
        let browser = PageClient(app)
        _ = await browser.get(Self.link(invited))
        let forged = await browser.post(
            "/invitations/accept", [("token", invited.token.value), ("password", Self.passphrase)])
        #expect(forged.status == 403)
        #expect(try await app.userColumn("status", of: invited.user.id, as: String.self) == "invited")
    }
}
