import Foundation
import Testing

/// Issue 8, "a member in a grace period skips and sees the banner", in real headless Chromium
/// against `mandate serve --demo`: acme requires MFA org-wide with a 7-day enrollment period. A
/// member without MFA opens a deep page, signs in, is offered the soft setup (the deadline and a
/// "Not now" skip, with the full navigation), skips it, and lands on the page first asked for, where
/// the site-wide banner shows the deadline ("Set up MFA by …").
/// Screenshots go to `.build/test-artifacts/screenshots/<test>-<n>-<page>.png`.
@Suite("Enrollment-period skip journey in headless Chromium", .whenBrowserInstalled, .chromeDriver, .serialized)
struct BrowserGraceJourneyTests {
    static let organization = "acme"
    static let email = "katherine@acme.example"
    static let password = "member-demo-secret-42"
    /// The page the member asks for first, and must land on after skipping.
    static let deepPage = "/account?tab=security"

    @Test("grace period: deep link, sign-in, soft setup with the deadline, skip, the page with the banner")
    func skipDuringEnrollmentPeriod() async throws {
        try await MandateProcess.withDemoServer { server in
            try await Browser.withSession { browser in
                try await Self.journey(browser, baseURL: try await server.baseURL())
            }
        }
    }

    static func journey(_ browser: WebDriverSession, baseURL: String) async throws {
        // 1. A deep page, signed out: sign in, remembering where we were going.
        try await browser.navigate(to: baseURL + deepPage)
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/sign-in")
        try await browser.findElement(css: "#organization").sendKeys(organization)
        try await browser.findElement(css: "#email").sendKeys(email)
        try await browser.findElement(css: "#password").sendKeys(password)
        try await browser.saveScreenshot("1-sign-in")
        try await browser.findElement(css: "form[action='/sign-in'] button[type='submit']").click()

        // 2. The soft setup: the status, the deadline, a skip; a full session (navigation, no warning).
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account/mfa/setup")
        let setupURL = try #require(URLComponents(string: try await browser.currentURL()))
        #expect(setupURL.queryItems?.first { $0.name == "returnTo" }?.value == deepPage)
        #expect(try await browser.findElement(css: "h1").text() == "Set up multi-factor authentication")
        #expect(try await browser.findElements(css: ".alert--warn").isEmpty, "the forced-setup warning")
        #expect(try await browser.findElements(css: ".badge[data-status='enrollment_period']").count == 1)
        #expect(try await browser.findElements(css: "nav.site-nav").count == 1, "no navigation on soft setup")
        let deadlineTime = try await browser.findElement(css: "p.deadline time")
        let deadline = try #require(try await deadlineTime.attribute("datetime"), "no deadline")
        let deadlineText = try await deadlineTime.text()
        #expect(!deadlineText.isEmpty)
        // Seven days from the demo's seeding (perhaps rounded to a local midnight): in the future.
        let deadlineDate = try #require(Self.parse(deadline), "deadline: \(deadline)")
        let left = deadlineDate.timeIntervalSinceNow
        #expect(left > 6 * 86_400 && left <= 8 * 86_400 + 60, "deadline \(deadline) is \(left) s away")
        #expect(try await browser.findElements(css: "form[action='/account/mfa/setup/totp']").count == 1)
        let skip = try await browser.findElement(css: "p.aside a")
        #expect(try await skip.text() == "Not now")
        #expect(try await skip.attribute("href") == deepPage)
        try await browser.saveScreenshot("2-soft-setup")
        try await skip.click()

        // 3. The page first asked for, with the site-wide banner and the same deadline.
        try await browser.waitUntil("the page \(deepPage)") {
            try await browser.currentURL() == baseURL + deepPage
        }
        let banner = try await browser.waitForElement(css: ".banner")
        let bannerText = try await banner.text()
        #expect(bannerText.hasPrefix("Set up MFA by \(deadlineText)."), "banner: \(bannerText)")
        #expect(try await browser.findElement(css: ".banner time").attribute("datetime") == deadline)
        #expect(try await browser.findElement(css: ".banner a").attribute("href") == "/account/mfa/setup")
        #expect(try await browser.findElements(css: ".badge[data-status='enrollment_period']").count == 1)
        #expect(try await browser.findElement(css: "main").text().contains(deadlineText))
        try await browser.saveScreenshot("3-account-with-banner")

        // 4. The banner follows the member around while the period lasts, and its link leads to setup.
        try await browser.navigate(to: baseURL + "/account")
        #expect(try await browser.findElements(css: ".banner").count == 1)
        try await browser.findElement(css: ".banner a").click()
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account/mfa/setup")
        #expect(try await browser.findElements(css: "p.aside a").count == 1, "no skip from the banner's link")
    }

    static func parse(_ iso: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso) ?? ISO8601DateFormatter().date(from: iso)
    }
}
