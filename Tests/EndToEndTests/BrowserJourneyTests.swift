import Crypto
import Foundation
import Testing

/// Issue 8, "What it must show", first bullet, in real headless Chromium against `mandate serve --demo`:
/// the owner turns on org-wide enforcement with no grace period on the security settings page
/// (acme's demo requirement has a 7-day period; the owner makes it due at the next sign-in); a member who opens a deep page is
/// sent to sign in, lands on forced setup (no way around it but signing out), sets up an
/// authenticator app with a code computed from the key on the page, sees the recovery codes once,
/// and continues to the page first asked for, which shows MFA as on.
///
/// The second test runs the same journey with JavaScript switched off: the flow needs no script.
/// Screenshots of each key page go to `.build/test-artifacts/screenshots/<test>-<n>-<page>.png`.
@Suite("Forced MFA setup journey in headless Chromium", .whenBrowserInstalled, .chromeDriver, .serialized)
struct BrowserJourneyTests {
    static let organization = "acme"
    static let owner = (email: "owner@acme.example", password: "owner-demo-secret-42")
    static let memberPassword = "member-demo-secret-42"
    /// The page the member asks for first, and must land on at the end.
    static let deepPage = "/account"

    @Test("org enforcement at 0 days: deep link, sign-in, forced TOTP setup, recovery codes, back to the page")
    func forcedSetupJourney() async throws {
        try await MandateProcess.withDemoServer { server in
            try await Browser.withSession { browser in
                let baseURL = try await server.baseURL()
                try await Self.ownerRequiresMFANow(browser, baseURL: baseURL)
                try await Self.journey(browser, baseURL: baseURL, email: "grace@acme.example")
            }
        }
    }

    @Test("the same journey with JavaScript switched off")
    func forcedSetupJourneyWithoutJavaScript() async throws {
        try await MandateProcess.withDemoServer { server in
            try await Browser.withSession(BrowserOptions(javaScriptEnabled: false)) { browser in
                // Proof that scripts are off: with them on, this page's script renames it to "js".
                try await browser.navigate(to: BrowserSmokeTests.scriptedPage)
                #expect(try await browser.title() == "static")
                let baseURL = try await server.baseURL()
                try await Self.ownerRequiresMFANow(browser, baseURL: baseURL)
                try await Self.journey(browser, baseURL: baseURL, email: "alan@acme.example")
            }
        }
    }

    // MARK: The journey

    static func journey(_ browser: WebDriverSession, baseURL: String, email: String) async throws {
        // 1. A deep page, signed out: to the sign-in page, which remembers where we were going.
        try await browser.navigate(to: baseURL + deepPage)
        let signInURL = try #require(URLComponents(string: try await browser.currentURL()))
        #expect(signInURL.path == "/sign-in")
        #expect(signInURL.queryItems?.first { $0.name == "returnTo" }?.value == deepPage)
        #expect(
            try await browser.findElement(css: "form[action='/sign-in'] input[name='returnTo']")
                .attribute("value") == deepPage)
        try await browser.findElement(css: "#organization").sendKeys(organization)
        try await browser.findElement(css: "#email").sendKeys(email)
        try await browser.findElement(css: "#password").sendKeys(memberPassword)
        try await browser.saveScreenshot("1-sign-in")
        try await browser.findElement(css: "form[action='/sign-in'] button[type='submit']").click()

        // 2. Forced setup: no skip, no navigation, only sign-out in the header.
        try await waitForPath(browser, baseURL: baseURL, "/account/mfa/setup")
        try await expectForcedSetupPage(browser)
        #expect(
            try await browser.findElement(css: "form[action='/account/mfa/setup/totp'] input[name='returnTo']")
                .attribute("value") == deepPage)
        try await browser.saveScreenshot("2-forced-setup")

        // Asking for the deep page again (or any other page) leads straight back to setup.
        for page in [deepPage, "/account?tab=security"] {
            try await browser.navigate(to: baseURL + page)
            let redirected = try #require(URLComponents(string: try await browser.currentURL()))
            #expect(redirected.path == "/account/mfa/setup", "\(page) was not redirected to setup")
            #expect(redirected.queryItems?.first { $0.name == "returnTo" }?.value == page)
            try await expectForcedSetupPage(browser)
        }
        // Back to the first redirect, so that setup returns to the page first asked for.
        try await browser.navigate(to: baseURL + deepPage)
        try await waitForPath(browser, baseURL: baseURL, "/account/mfa/setup")

        // 3. Authenticator app: the QR code and the key.
        try await browser.findElement(css: "form[action='/account/mfa/setup/totp'] button[type='submit']").click()
        let secretElement = try await browser.waitForElement(css: "p.secret code")
        #expect(try await browser.findElements(css: "figure.qr svg").count == 1, "no QR code")
        let otpauth = try await browser.findElement(css: "p.hint a").attribute("href") ?? ""
        #expect(otpauth.hasPrefix("otpauth://totp/"), "otpauth link: \(otpauth)")
        let secretText = try await secretElement.text()
        let secret = try #require(Base32.decode(secretText), "not base32: \(secretText)")
        #expect(secret.count >= 16, "a secret of \(secret.count) bytes")
        #expect(otpauth.contains("secret=\(secretText.filter { $0 != " " })"), "the link and the key differ")
        try await browser.saveScreenshot("3-totp-setup")

        // 4. The code of the app, typed in: recovery codes, once.
        try await browser.findElement(css: "#confirm-code").sendKeys(await currentCode(TOTP(secret: secret)))
        try await browser.findElement(css: "form[action='/account/mfa/setup/totp/confirm'] button[type='submit']")
            .click()
        _ = try await browser.waitForElement(css: "ul.recovery-codes")
        #expect(try await browser.findElement(css: "h1").text() == "Multi-factor authentication is on")
        var recoveryCodes: [String] = []
        for code in try await browser.findElements(css: "ul.recovery-codes li code") {
            recoveryCodes.append(try await code.text())
        }
        #expect(recoveryCodes.count >= 8, "recovery codes: \(recoveryCodes)")
        #expect(Set(recoveryCodes).count == recoveryCodes.count, "repeated recovery codes")
        #expect(recoveryCodes.allSatisfy { $0.count >= 10 }, "recovery codes: \(recoveryCodes)")
        // The session is a full one now: the header has its navigation back.
        #expect(try await browser.findElements(css: "nav.site-nav").count == 1)
        try await browser.saveScreenshot("4-recovery-codes")
        let continueLink = try await browser.findElement(css: "main a.button--primary")
        #expect(try await continueLink.attribute("href") == deepPage)
        try await continueLink.click()

        // 5. The page first asked for, with MFA on.
        try await waitForPath(browser, baseURL: baseURL, deepPage)
        #expect(try await browser.currentURL() == baseURL + deepPage)
        #expect(try await browser.findElements(css: ".badge[data-status='enrolled']").count == 1)
        #expect(try await browser.findElement(css: "li.factor--totp .factor__label").text() == "Authenticator app")
        let remaining = try await browser.findElement(css: "section[aria-labelledby='mfa-title'] p > strong")
        #expect(try await remaining.text() == "\(recoveryCodes.count)", "recovery codes left")
        #expect(try await browser.findElement(css: "ul.sources").text() == "your organization's policy for everyone")
        // Required by the organization: MFA cannot be turned off here.
        #expect(try await !browser.findElement(css: "#disable-password").isEnabled())
        #expect(try await browser.findElements(css: ".banner").isEmpty, "an enrolled user still sees the banner")
        #expect(!(try await browser.pageSource()).contains(recoveryCodes[0]), "a recovery code is shown again")
        try await browser.saveScreenshot("5-account")
    }

    /// The forced setup page: the warning, no skip link, no navigation, a sign-out button.
    static func expectForcedSetupPage(_ browser: WebDriverSession) async throws {
        #expect(try await browser.findElement(css: "h1").text() == "Set up multi-factor authentication")
        #expect(try await browser.findElement(css: ".alert--warn").text().contains("requires multi-factor"))
        #expect(try await browser.findElements(css: "p.aside a").isEmpty, "a skip link on forced setup")
        #expect(!(try await browser.findElement(css: "main").text()).contains("Not now"))
        #expect(try await browser.findElements(css: "nav.site-nav").isEmpty, "navigation on forced setup")
        // The only links left are the brand (which leads back here) and the skip-to-content link.
        for link in try await browser.findElements(css: "a[href]") {
            let href = try await link.attribute("href") ?? ""
            #expect(["#main", "/account"].contains(href), "a way out of forced setup: \(href)")
        }
        let signOut = try await browser.findElement(css: "header form.sign-out[action='/sign-out'] button")
        #expect(try await signOut.text() == "Sign out")
        #expect(try await signOut.isEnabled())
    }

    /// Waits until the browser shows `path` (ignoring the query) on the server.
    static func waitForPath(_ browser: WebDriverSession, baseURL: String, _ path: String) async throws {
        try await browser.waitUntil("the page \(path)") {
            let url = try await browser.currentURL()
            return url.hasPrefix(baseURL) && URLComponents(string: url)?.path == path
        }
    }

    /// The code the app shows now; near the end of a 30-second step, the next step's code after
    /// waiting for it, so the code is still current when the server checks it.
    static func currentCode(_ totp: TOTP) async throws -> String {
        var now = Date().timeIntervalSince1970
        let left = Double(totp.period) - now.truncatingRemainder(dividingBy: Double(totp.period))
        if left < 3 {
            try await Task.sleep(for: .seconds(left + 0.2))
            now = Date().timeIntervalSince1970
        }
        return totp.code(at: Int64(now))
    }

    // MARK: The owner, on the security settings page

    /// acme's owner signs in (in the demo's enrollment period: the setup offer is skipped), requires
    /// MFA for everyone with 0 days on `/admin/security`, sees it saved, and signs out.
    static func ownerRequiresMFANow(_ browser: WebDriverSession, baseURL: String) async throws {
        try await BrowserBillingJourneyTests.signIn(browser, baseURL: baseURL, owner.email, owner.password)
        try await browser.navigate(to: baseURL + "/admin/security")
        let toggle = try await browser.waitForElement(css: "#mfa-required")
        #expect(try await toggle.isEnabled())
        if try await !toggle.isSelected() { try await toggle.click() }
        let days = try await browser.findElement(css: "#mfa-enrollment-days")
        try await days.clear()
        try await days.sendKeys("0")
        try await browser.saveScreenshot("0-admin-requires-mfa")
        try await browser.findElement(css: "form[action='/admin/security'] button[type='submit']").click()
        _ = try await browser.waitForElement(css: ".flash--success")
        #expect(try await browser.findElement(css: "#mfa-required").isSelected())
        #expect(try await browser.findElement(css: "#mfa-enrollment-days").attribute("value") == "0")
        try await browser.findElement(css: "header form.sign-out button").click()
        _ = try await browser.waitForElement(css: "form[action='/sign-in']")
    }
}
