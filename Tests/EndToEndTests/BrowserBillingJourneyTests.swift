import Crypto
import Foundation
import Testing

/// Issue 8, billing, in real headless Chromium against `mandate serve --demo`: a member of acme
/// (Business, MFA required with a 7-day enrollment period) sees the deadline banner; a downgrade
/// to Free arrives as a signed webhook (`mandate billing send-test-event`) and the banner is gone;
/// the owner finds the toggle disabled with an upgrade hint and the lifted enforcement on the
/// billing page; after an upgrade the restore button puts it back.
/// Screenshots go to `.build/test-artifacts/screenshots/`.
@Suite("Billing journey in headless Chromium", .whenBrowserInstalled, .chromeDriver, .serialized)
struct BrowserBillingJourneyTests {
    static let organization = "acme"

    @Test("grace-period banner, downgrade lifts it, admin pages show it, upgrade and restore")
    func billingJourney() async throws {
        try await MandateProcess.withDemoServer { server in
            try await Browser.withSession { browser in
                let baseURL = try await server.baseURL()

                // 1. A member in the enrollment period sees the banner.
                try await Self.signIn(browser, baseURL: baseURL, "ada@acme.example", BrowserJourneyTests.memberPassword)
                try await browser.navigate(to: baseURL + "/account")
                #expect(try await browser.findElements(css: ".banner").count == 1, "no banner before the downgrade")
                try await browser.saveScreenshot("1-member-banner")

                // 2. The subscription moves to Free: the requirement is lifted, the banner goes.
                try await Self.sendEvent(baseURL: baseURL, plan: "free")
                try await browser.refresh()
                _ = try await browser.waitForElement(css: "h1")
                #expect(try await browser.findElements(css: ".banner").isEmpty, "the banner survived the downgrade")
                try await browser.saveScreenshot("2-member-after-downgrade")
                try await browser.findElement(css: "header form.sign-out button").click()
                _ = try await browser.waitForElement(css: "form[action='/sign-in']")

                // An enrolled member may now turn MFA off: nothing requires it any more.
                try await Self.signIn(
                    browser, baseURL: baseURL, "edsger@acme.example", BrowserJourneyTests.memberPassword)
                let secret = try #require(Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
                try await browser.waitForElement(css: "#totp-code").sendKeys(
                    await BrowserJourneyTests.currentCode(TOTP(secret: secret)))
                try await browser.findElement(css: "form[action='/sign-in/mfa'] button[type='submit']").click()
                try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account")
                #expect(try await browser.findElement(css: "#disable-password").isEnabled(), "turn off MFA disabled")
                try await browser.saveScreenshot("2b-enrolled-member-can-turn-off")
                try await browser.findElement(css: "header form.sign-out button").click()
                _ = try await browser.waitForElement(css: "form[action='/sign-in']")

                // 3. The owner: the toggle is disabled with a hint; billing shows what was lifted.
                let owner = BrowserJourneyTests.owner
                try await Self.signIn(browser, baseURL: baseURL, owner.email, owner.password)
                try await browser.navigate(to: baseURL + "/admin/security")
                #expect(try await !browser.findElement(css: "#mfa-required").isEnabled())
                #expect(try await browser.findElement(css: "#mfa-required-hint").text().contains("Upgrade"))
                try await browser.saveScreenshot("3-admin-security-free")
                try await browser.navigate(to: baseURL + "/admin/billing")
                #expect(try await browser.findElement(css: "ul.lifted-sources").text().contains("everyone"))
                #expect(try await browser.findElements(css: "form[action='/admin/billing/restore']").isEmpty)
                try await browser.saveScreenshot("4-admin-billing-lifted")

                // 4. Back on Business: restore.
                try await Self.sendEvent(baseURL: baseURL, plan: "business")
                try await browser.refresh()
                let restore = try await browser.waitForElement(
                    css: "form[action='/admin/billing/restore'] button[type='submit']")
                try await browser.saveScreenshot("5-admin-billing-restorable")
                try await restore.click()
                _ = try await browser.waitForElement(css: ".flash--success")
                #expect(try await browser.findElements(css: "form[action='/admin/billing/restore']").isEmpty)
                try await browser.saveScreenshot("6-admin-billing-restored")
                try await browser.navigate(to: baseURL + "/admin/security")
                #expect(try await browser.findElement(css: "#mfa-required").isEnabled())
                #expect(try await browser.findElement(css: "#mfa-required").isSelected())
                try await browser.saveScreenshot("7-admin-security-business")
            }
        }
    }

    static func signIn(_ browser: WebDriverSession, baseURL: String, _ email: String, _ password: String)
        async throws
    {
        try await browser.navigate(to: baseURL + "/sign-in")
        try await browser.findElement(css: "#organization").sendKeys(organization)
        try await browser.findElement(css: "#email").sendKeys(email)
        try await browser.findElement(css: "#password").sendKeys(password)
        try await browser.findElement(css: "form[action='/sign-in'] button[type='submit']").click()
        try await browser.waitUntil("signed in as \(email)") {
            URLComponents(string: try await browser.currentURL())?.path != "/sign-in"
        }
    }

    /// A billing event signed with the demo secret, sent by the command line tool.
    static func sendEvent(baseURL: String, plan: String) async throws {
        let (status, log) = try await MandateProcess.run([
            "billing", "send-test-event", "--tenant", organization, "--plan", plan, "--url", baseURL,
        ])
        #expect(status == 0, "send-test-event --plan \(plan): \(log)")
    }
}
