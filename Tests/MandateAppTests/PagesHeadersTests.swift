import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import SQLite
import Storage
import Testing

/// SECURITY.md "Headers on every HTML response", the layout's accessibility rules (a label for
/// every input, no inline script or style the CSP would have to allow), and the static files.
@Suite("Pages: headers and markup")
struct PagesHeadersTests {
    /// Every page a GET reaches. EXTEND THIS with new pages: `coverage` fails until you do.
    static let pages = [
        "/sign-in", "/sign-in/mfa", "/account", "/account/mfa/setup", "/admin/security", "/admin/billing",
        "/invitations/accept", "/admin", "/admin/policies", "/admin/policies/:id", "/admin/users/:id", "/admin/audit",
        "/admin/jobs", "/admin/users",
    ]

    static let htmlPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    @Test("every GET page route is checked here")
    func coverage() async throws {
        let app = try await TestApp()
        let gets = app.application.routeTable().filter { route in
            route.method == .get && !route.pattern.hasPrefix("/static/")
                && !PagesCSRFTests.nonPagePrefixes.contains { route.pattern.hasPrefix($0) }
                && !["/healthz", "/readyz", "/metrics"].contains(route.pattern)
                // Downloads are not pages (PagesAuditTests checks the CSV export's headers).
                && !route.pattern.hasSuffix(".csv")
        }
        #expect(Set(gets.map(\.pattern)) == Set(Self.pages))
    }

    @Test("every page, and every page a form answers with, sends the security headers and well-formed HTML")
    func everyPage() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let (secret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        var rendered: [(String, TestApp.Response)] = []

        let ada = PageClient(app)
        let signIn = await ada.get("/sign-in")
        rendered.append(("GET /sign-in", signIn))
        rendered.append(("refused sign-in", try await ada.signIn("acme", "ada@acme.test", password: "wrong password!")))
        let challenge = try await ada.follow(try await ada.signIn("acme", "ada@acme.test"))
        rendered.append(("GET /sign-in/mfa", challenge))
        rendered.append(("wrong code", try await ada.submit("/sign-in/mfa", on: challenge, ["code": "123456"])))
        let verified = try await ada.submit("/sign-in/mfa", on: challenge, ["code": try app.totpCode(secret)])
        let account = try await ada.follow(verified)
        rendered.append(("GET /account", account))
        rendered.append(
            (
                "refused disable",
                try await ada.submit("/account/mfa/disable", on: account, ["password": "nope nope nope"])
            ))
        rendered.append(("403 page", await ada.post("/account/mfa/disable", [("password", "x")])))
        rendered.append(
            (
                "POST /account/mfa/recovery-codes",
                try await ada.submit("/account/mfa/recovery-codes", on: account, ["password": TestApp.password])
            ))

        // Invited before the owner turns MFA on below (an API sign-in needs no second step yet).
        let invited = try await app.invite(try await app.login("acme", "owner@acme.test"), email: "new@acme.test")
        _ = try await PagesPoliciesTests.makeGroup(app, slug: "acme", name: "Engineering")
        let created = await app.request(
            .post, "/api/v1/mfa-policies", token: try await app.login("acme", "owner@acme.test"),
            json: ["name": "All", "includeAllUsers": true, "enabled": false])
        let policyID = try #require(created.string("id"))

        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let setup = await owner.get("/account/mfa/setup")
        rendered.append(("GET /account/mfa/setup", setup))
        let smsSent = try await owner.submit("/account/mfa/setup/sms", on: setup, ["phoneNumber": "+44 7700 900123"])
        rendered.append(("POST /account/mfa/setup/sms", smsSent))
        rendered.append(
            ("wrong SMS code", try await owner.submit("/account/mfa/setup/sms/confirm", on: smsSent, ["code": "x"])))
        let started = try await owner.submit("/account/mfa/setup/totp", on: setup)
        rendered.append(("POST /account/mfa/setup/totp", started))
        rendered.append(
            (
                "wrong setup code",
                try await owner.submit("/account/mfa/setup/totp/confirm", on: started, ["code": "000000"])
            ))
        let done = try await owner.submit(
            "/account/mfa/setup/totp/confirm", on: started,
            ["code": try app.totpCode(try PageClient.totpSecret(in: started))])
        rendered.append(("POST /account/mfa/setup/totp/confirm", done))
        #expect(done.text.contains("Save your recovery codes"))
        let security = await owner.get("/admin/security")
        rendered.append(("GET /admin/security", security))
        rendered.append(
            ("refused settings", try await owner.submit("/admin/security", on: security, ["mfaEnrollmentDays": "400"])))
        rendered.append(("GET /admin/billing", await owner.get("/admin/billing")))
        rendered.append(("GET /admin", await owner.get("/admin")))
        let policies = await owner.get("/admin/policies")
        rendered.append(("GET /admin/policies", policies))
        rendered.append(
            (
                "refused policy",
                try await owner.submit("/admin/policies", on: policies, ["name": "", "appliesTo": "all"])
            ))
        rendered.append(("GET /admin/policies/:id", await owner.get("/admin/policies/\(policyID)")))
        rendered.append(("policy list", await owner.get("/admin/policies")))
        rendered.append(("policy not found", await owner.get("/admin/policies/pol_nope")))
        let adaID = try #require(
            try await app.query("SELECT id FROM users WHERE email = 'ada@acme.test'").first?.decode(0, as: String.self))
        let panel = await owner.get("/admin/users/" + adaID)
        rendered.append(("GET /admin/users/:id", panel))
        rendered.append(
            (
                "refused exemption",
                try await owner.submit("/admin/users/\(adaID)/exemption", on: panel, ["exemptUntil": "someday"])
            ))
        rendered.append(("user panel 404", await owner.get("/admin/users/usr_nobody")))
        rendered.append(("GET /admin/audit", await owner.get("/admin/audit")))
        rendered.append(("filtered audit log", await owner.get("/admin/audit?action=auth.&from=2026-01-01")))
        rendered.append(("refused audit filter", await owner.get("/admin/audit?from=someday")))
        rendered.append(("GET /admin/jobs", await owner.get("/admin/jobs")))
        let people = await owner.get("/admin/users")
        rendered.append(("GET /admin/users", people))
        rendered.append(
            ("refused bulk change", try await owner.submit("/admin/users/bulk", on: people, ["action": "exempt"])))

        let newcomer = PageClient(app)
        let invitation = await newcomer.get(PagesInvitationTests.link(invited))
        rendered.append(("GET /invitations/accept", invitation))
        rendered.append(
            (
                "refused invitation password",
                try await newcomer.submit("/invitations/accept", on: invitation, ["password": "short"])
            ))

        #expect(
            Set(rendered.compactMap { $0.0.hasPrefix("GET ") ? String($0.0.dropFirst(4)) : nil }) == Set(Self.pages))
        for (name, page) in rendered {
            #expect(page.headers["Content-Type"] == "text/html; charset=utf-8", "\(name)")
            #expect(page.headers["Content-Security-Policy"] == Self.htmlPolicy, "\(name)")
            #expect(page.headers["X-Content-Type-Options"] == "nosniff", "\(name)")
            #expect(page.headers["Referrer-Policy"] == "same-origin", "\(name)")
            #expect(page.headers["X-Frame-Options"] == "DENY", "\(name)")
            #expect(page.headers["Cache-Control"] == "no-store", "\(name)")
            checkMarkup(page.text, name)
        }
    }

    /// What the CSP and the accessibility rules demand of the markup.
    func checkMarkup(_ html: String, _ name: String) {
        #expect(html.hasPrefix("<!doctype html>"), "\(name)")
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), "\(name)")
        #expect(html.contains("<main id=\"main\""), "\(name)")
        #expect(!html.contains(" style="), "\(name): inline style attribute")
        #expect(!html.contains("<style"), "\(name): inline style element")
        for script in PageHTML.tags("script", in: html) {
            #expect(script.attributes["src"]?.hasPrefix("/static/") == true, "\(name): inline script")
        }
        let handler = try! NSRegularExpression(pattern: #"\son[a-z]+="#)
        #expect(handler.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) == nil, "\(name): on…=")
        #expect(!html.contains("javascript:"), "\(name)")
        let labels = Set(PageHTML.tags("label", in: html).compactMap { $0.attributes["for"] })
        for input in PageHTML.inputs(in: html) where input.attributes["type"] != "hidden" {
            let id = input.attributes["id"] ?? ""
            #expect(!id.isEmpty && labels.contains(id), "\(name): \(input.raw) has no <label for>")
        }
        for form in PageHTML.tags("form", in: html) where form.attributes["method"] == "post" {
            let markup = PageHTML.form(form.attributes["action"] ?? "", in: html) ?? ""
            #expect(markup.contains("name=\"csrf\""), "\(name): form \(form.raw) has no CSRF field")
        }
    }

    @Test("static files: content type, long caching for the versioned URL, revalidation otherwise")
    func staticFiles() async throws {
        let app = try await TestApp()
        let browser = PageClient(app)
        let page = await browser.get("/sign-in")
        let links = PageHTML.tags("link", in: page.text)
        let stylesheet = try #require(links.first { $0.attributes["rel"] == "stylesheet" }?.attributes["href"])
        let icon = try #require(links.first { $0.attributes["rel"] == "icon" }?.attributes["href"])
        #expect(icon.hasPrefix("/static/favicon.svg?v="))
        #expect(await browser.get(icon).headers["Content-Type"] == "image/svg+xml")
        #expect(stylesheet.hasPrefix("/static/app.css?v="))
        let script = try #require(PageHTML.tags("script", in: page.text).first?.attributes["src"])
        #expect(script.hasPrefix("/static/app.js?v="))

        let css = await browser.get(stylesheet)
        #expect(css.status == 200)
        #expect(css.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(css.headers["Cache-Control"] == "public, max-age=31536000, immutable")
        #expect(css.headers["X-Content-Type-Options"] == "nosniff")
        #expect(css.text.contains(":focus-visible"))
        let etag = try #require(css.headers["ETag"])

        let unversioned = await browser.get("/static/app.css")
        #expect(unversioned.headers["Cache-Control"] == "no-cache")
        let sameBody = unversioned.body == css.body
        #expect(sameBody)
        let revalidated = await browser.get("/static/app.css", headers: [("If-None-Match", etag)])
        #expect(revalidated.status == 304)
        #expect(revalidated.body.count == 0)

        let js = await browser.get(script)
        #expect(js.status == 200)
        #expect(js.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(await browser.get("/static/nothing.css").status == 404)
        #expect(await browser.get("/static/../Package.swift").status >= 400)
    }
}
