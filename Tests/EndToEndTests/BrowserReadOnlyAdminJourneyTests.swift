import Foundation
import Testing

/// Issue 8, "What it must show": an admin without `manageUsers` sees the Require MFA toggle
/// disabled, in real headless Chromium against `mandate serve --demo`. The demo's read-only admin
/// (`auditor@acme.example`) finds a member in the people list, opens their panel and finds every
/// control disabled with the reason next to it; the owner, on the same panel, may use them.
/// Screenshots go to `.build/test-artifacts/screenshots/`.
@Suite("Read-only admin journey in headless Chromium", .whenBrowserInstalled, .chromeDriver, .serialized)
struct BrowserReadOnlyAdminJourneyTests {
    static let auditor = (email: "auditor@acme.example", password: "admin-demo-secret-42")
    /// The admin pages in the navigation, with their headings.
    static let adminPages = [
        (path: "/admin", heading: "Overview"), (path: "/admin/users", heading: "People"),
        (path: "/admin/policies", heading: "Group policies"), (path: "/admin/security", heading: "Security settings"),
        (path: "/admin/billing", heading: "Billing"), (path: "/admin/audit", heading: "Audit log"),
        (path: "/admin/jobs", heading: "Jobs"),
    ]

    @Test("a read-only admin sees the Require MFA toggle disabled with the reason; the owner may use it")
    func readOnlyAdmin() async throws {
        try await MandateProcess.withDemoServer { server in
            try await Browser.withSession { browser in
                let baseURL = try await server.baseURL()
                try await BrowserBillingJourneyTests.signIn(
                    browser, baseURL: baseURL, Self.auditor.email, Self.auditor.password)

                // The people list, searched for one member, leads to her panel.
                try await browser.navigate(to: baseURL + "/admin/users?q=grace")
                let link = try await browser.waitForElement(css: "a[href^='/admin/users/usr_']")
                #expect(try await link.text().contains("Grace"), "the search found someone else")
                try await browser.saveScreenshot("1-read-only-people")
                let panelPath = try #require(try await link.attribute("href"))
                try await link.click()
                try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, panelPath)

                // The toggle is there, disabled, and says why.
                let toggle = try await browser.waitForElement(css: "#require-mfa")
                #expect(try await !toggle.isEnabled(), "a read-only admin may use the Require MFA toggle")
                let hintID = try #require(try await toggle.attribute("aria-describedby"), "no reason given")
                let reason = try await browser.findElement(css: "#" + (hintID.split(separator: " ").first ?? ""))
                let reasonText = try await reason.text()
                #expect(reasonText.contains("manage users"), "reason: \(reasonText)")
                #expect(try await reason.isDisplayed(), "the reason is hidden")
                // Every other action of the panel is disabled too.
                for button in try await browser.findElements(css: "main form[method='post'] button[type='submit']") {
                    let label = try await button.text()
                    #expect(try await !button.isEnabled(), "an enabled action: \(label)")
                }
                try await browser.saveScreenshot("2-read-only-panel")
                try await browser.findElement(css: "header form.sign-out button").click()
                _ = try await browser.waitForElement(css: "form[action='/sign-in']")

                // The owner, on the same panel, may use it.
                let owner = BrowserJourneyTests.owner
                try await BrowserBillingJourneyTests.signIn(browser, baseURL: baseURL, owner.email, owner.password)
                try await browser.navigate(to: baseURL + panelPath)
                #expect(try await browser.waitForElement(css: "#require-mfa").isEnabled())
                try await browser.saveScreenshot("3-owner-panel")

                // Every admin page, as the owner sees it, through the navigation.
                for (index, page) in Self.adminPages.enumerated() {
                    try await browser.findElement(css: "nav.site-nav a[href='\(page.path)']").click()
                    try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, page.path)
                    let heading = try await browser.waitForElement(css: "main h1").text()
                    #expect(heading == page.heading, "\(page.path): \(heading)")
                    try await browser.saveScreenshot(
                        "\(index + 4)-owner\(page.path.replacingOccurrences(of: "/", with: "-"))")
                }
                // The overview's charts are drawn (SVG, no script needed).
                try await browser.navigate(to: baseURL + "/admin")
                #expect(try await browser.findElements(css: "main svg[role='img']").count >= 2)

                // On a phone-sized window no admin page scrolls sideways (wide tables scroll in
                // their own box).
                try await browser.setWindowSize(width: 390, height: 844)
                for page in Self.adminPages + [(path: panelPath, heading: "")] {
                    try await browser.navigate(to: baseURL + page.path)
                    _ = try await browser.waitForElement(css: "main h1")
                    let overflow = try await browser.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    #expect(overflow.doubleValue == 0, "\(page.path) is wider than a phone by \(overflow)")
                }
                try await browser.navigate(to: baseURL + "/admin/users")
                _ = try await browser.waitForElement(css: "main h1")
                try await browser.saveScreenshot("11-phone-people")
            }
        }
    }
}
