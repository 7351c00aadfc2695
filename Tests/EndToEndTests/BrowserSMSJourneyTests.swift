import Foundation
import HTTPClient
import Testing

/// Issue 8, "the SMS path reading the code from the dev outbox", in real headless Chromium against
/// `mandate serve --demo`: a member of Hooli (Team plan, which has `mfa.sms`) signs in, sets up SMS
/// (phone → the code from `/dev/outbox.json` → recovery codes), signs out, signs in again, asks
/// for a code by SMS (the resend countdown shows), types the new code and lands on `/account`.
/// Screenshots go to `.build/test-artifacts/screenshots/<test>-<n>-<page>.png`.
@Suite("SMS setup and sign-in journey in headless Chromium", .whenBrowserInstalled, .chromeDriver, .serialized)
struct BrowserSMSJourneyTests {
    static let organization = "hooli"
    static let email = "ada@hooli.example"
    static let password = "member-demo-secret-42"
    static let phone = "+44 7700 900123"
    /// Seconds before a user may get a second code: short, so the journey does not wait 30 s.
    static let resendDelay = 2

    @Test("sign in, set up SMS with the code from the dev outbox, sign out, sign in with a new SMS code")
    func smsJourney() async throws {
        try await MandateProcess.withDemoServer(environment: ["MANDATE_SMS_RESEND_DELAY": String(Self.resendDelay)]) {
            server in
            try await Browser.withSession { browser in
                let baseURL = try await server.baseURL()
                try await Self.journey(browser, baseURL: baseURL)
            }
        }
    }

    static func journey(_ browser: WebDriverSession, baseURL: String) async throws {
        // 1. Sign in (no factor yet, nothing required): the account page.
        try await signIn(browser, baseURL: baseURL, screenshot: "1-sign-in")
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account")

        // 2. Setup offers SMS next to the authenticator app.
        try await browser.navigate(to: baseURL + "/account/mfa/setup")
        _ = try await browser.waitForElement(css: "form[action='/account/mfa/setup/sms']")
        #expect(try await browser.findElements(css: "form[action='/account/mfa/setup/totp']").count == 1)
        try await browser.findElement(css: "#sms-phone").sendKeys(phone)
        try await browser.saveScreenshot("2-setup-choice")
        let before = try await smsCount(baseURL)
        try await browser.findElement(css: "form[action='/account/mfa/setup/sms'] button[type='submit']").click()
        let setupSentAt = Date()

        // 3. The code form, with the resend countdown; the code from the dev outbox.
        _ = try await browser.waitForElement(css: "#sms-setup-code")
        #expect(try await browser.findElement(css: "main").text().contains("+••••••••••23"))
        #expect(try await browser.findElements(css: "[data-countdown] .countdown").count == 1)
        let setupCode = try await nextCode(baseURL, after: before)
        try await browser.saveScreenshot("3-sms-code")
        try await browser.findElement(css: "#sms-setup-code").sendKeys(setupCode)
        try await browser.findElement(css: "form[action='/account/mfa/setup/sms/confirm'] button[type='submit']")
            .click()

        // 4. Done: recovery codes, once.
        _ = try await browser.waitForElement(css: "ul.recovery-codes")
        #expect(try await browser.findElement(css: "h1").text() == "Multi-factor authentication is on")
        #expect(try await browser.findElement(css: "main").text().contains("a code sent by SMS"))
        try await browser.saveScreenshot("4-recovery-codes")
        try await browser.findElement(css: "main a.button--primary").click()
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account")
        #expect(try await browser.findElements(css: ".badge[data-status='enrolled']").count == 1)
        try await browser.saveScreenshot("5-account-enrolled")

        // 5. Sign out, and in again: the challenge offers SMS.
        try await browser.findElement(css: "header form.sign-out[action='/sign-out'] button").click()
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/sign-in")
        try await signIn(browser, baseURL: baseURL, screenshot: "6-sign-in-again")
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/sign-in/mfa")
        let ask = try await browser.waitForElement(css: "form[action='/sign-in/mfa/sms'] button[type='submit']")
        try await browser.saveScreenshot("7-challenge")
        // One code per `resendDelay` seconds to a user: wait out the pause after the setup code.
        let pause = Double(Self.resendDelay + 1) - Date().timeIntervalSince(setupSentAt)
        if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
        let beforeSignIn = try await smsCount(baseURL)
        try await ask.click()

        // 6. The code form with the countdown; the new code from the dev outbox.
        let codeInput = try await browser.waitForElement(css: "#sms-code")
        #expect(try await browser.findElements(css: "[data-countdown] .countdown").count == 1)
        let signInCode = try await nextCode(baseURL, after: beforeSignIn)
        try await browser.saveScreenshot("8-sms-challenge")
        try await codeInput.sendKeys(signInCode)
        try await browser.findElement(css: "form[action='/sign-in/mfa'] input[value='sms'] ~ .actions button").click()

        // 7. Signed in: the account page.
        try await BrowserJourneyTests.waitForPath(browser, baseURL: baseURL, "/account")
        #expect(try await browser.findElements(css: "li.factor--sms").count == 1)
        try await browser.saveScreenshot("9-account")
    }

    static func signIn(_ browser: WebDriverSession, baseURL: String, screenshot: String) async throws {
        try await browser.navigate(to: baseURL + "/sign-in")
        try await browser.findElement(css: "#organization").sendKeys(organization)
        try await browser.findElement(css: "#email").sendKeys(email)
        try await browser.findElement(css: "#password").sendKeys(password)
        try await browser.saveScreenshot(screenshot)
        try await browser.findElement(css: "form[action='/sign-in'] button[type='submit']").click()
    }

    // MARK: The dev outbox

    /// The SMS messages in the dev outbox, newest first.
    static func smsMessages(_ baseURL: String) async throws -> [[String: Any]] {
        let client = HTTPClient()
        defer { client.shutdown() }
        let response = try await client.execute(
            HTTPClientRequest(method: "GET", url: baseURL + "/dev/outbox.json?channel=sms", headers: [], body: []))
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return object?["data"] as? [[String: Any]] ?? []
    }

    static func smsCount(_ baseURL: String) async throws -> Int { try await smsMessages(baseURL).count }

    /// Waits for an SMS beyond the first `count` and returns its one-time code.
    static func nextCode(_ baseURL: String, after count: Int) async throws -> String {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let messages = try await smsMessages(baseURL)
            if messages.count > count, let code = messages.first?["code"] as? String {
                #expect((messages.first?["to"] as? String) == "+447700900123")
                return code
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw WebDriverError(reason: .timedOut, message: "no new SMS in the dev outbox")
    }
}
