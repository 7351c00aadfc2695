import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `POST /account/mfa/recovery-codes`: new recovery codes from the security page, after the password.
@Suite("Pages: recovery codes")
struct PagesRecoveryCodesTests {
    /// The codes listed in `<ul class="recovery-codes">`.
    static func codes(in page: TestApp.Response) -> [String] {
        guard let list = PageHTML.text(after: "<ul class=\"recovery-codes\">", until: "</ul>", in: page.text) else {
            return []
        }
        return list.components(separatedBy: "<code>").dropFirst().compactMap {
            $0.components(separatedBy: "</code>").first
        }
    }

    static func storedHashes(_ app: TestApp) async throws -> [String] {
        try await app.query("SELECT code_hash FROM recovery_codes").map {
            try $0.decode(0, as: [UInt8].self).map { String(format: "%02X", $0) }.joined()
        }.sorted()
    }

    @Test("new codes replace the old ones: shown once, each works once, the old ones fail")
    func regenerate() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let (secret, old) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        #expect(old.count == 10)
        let browser = PageClient(app)
        try await browser.signInWithTOTP("ada@acme.test", secret: secret, signInPage: await browser.get("/sign-in"))
        let account = await browser.get("/account")
        #expect(PageHTML.form("/account/mfa/recovery-codes", in: account.text) != nil)

        // A wrong password is refused and changes nothing.
        let before = try await Self.storedHashes(app)
        let refused = try await browser.submit(
            "/account/mfa/recovery-codes", on: account, ["password": "not my password"])
        #expect(refused.status >= 400)
        #expect(refused.text.contains("role=\"alert\""))
        #expect(Self.codes(in: refused).isEmpty)
        #expect(try await Self.storedHashes(app) == before)
        let empty = try await browser.submit("/account/mfa/recovery-codes", on: account, ["password": ""])
        #expect(empty.status == 422)
        #expect(try await Self.storedHashes(app) == before)

        let page = try await browser.submit(
            "/account/mfa/recovery-codes", on: account, ["password": TestApp.password])
        #expect(page.status == 200)
        #expect(page.headers["Cache-Control"] == "no-store")
        #expect(page.text.contains("shown only this once"))
        let new = Self.codes(in: page)
        #expect(new.count == 10)
        #expect(Set(new).isDisjoint(with: Set(old)))
        #expect(try await Self.storedHashes(app) != before)

        let challenge = try await app.challenge("acme", "ada@acme.test")
        #expect(await app.verify(challenge, method: "recovery_code", code: old[0]).status == 401)
        #expect(await app.verify(challenge, method: "recovery_code", code: new[0]).status == 200)
        let second = try await app.challenge("acme", "ada@acme.test")
        #expect(await app.verify(second, method: "recovery_code", code: new[0]).status == 401, "used once")
        #expect(await app.verify(second, method: "recovery_code", code: new[1]).status == 200)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.recovery_codes.generated") == 1)
    }

    @Test("without MFA there is nothing to regenerate: refused, nothing changed")
    func notEnrolled() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let browser = PageClient(app)
        try await browser.signInFully("acme", "ada@acme.test")
        let account = await browser.get("/account")
        #expect(PageHTML.form("/account/mfa/recovery-codes", in: account.text) == nil)
        let token = try #require(
            try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        let refused = await browser.post("/account/mfa/recovery-codes", [token, ("password", TestApp.password)])
        #expect(refused.status == 409)
        #expect(refused.text.contains("Set up an authenticator app or SMS first"))
        #expect(try await Self.storedHashes(app).isEmpty)
    }
}
