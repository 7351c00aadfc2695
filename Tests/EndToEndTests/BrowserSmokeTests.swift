import Foundation
import Testing

/// The browser-test foundation against a real server: chromedriver, headless Chromium, an existing
/// server-rendered page, screenshots, and a session with JavaScript switched off.
@Suite("Browser smoke test in headless Chromium", .whenBrowserInstalled, .chromeDriver)
struct BrowserSmokeTests {
    /// A page whose script renames it from "static" to "js".
    static let scriptedPage = "data:text/html,<title>static</title><script>document.title='js'</script>"

    @Test("the dev outbox renders in Chromium, with and without JavaScript")
    func devOutboxRenders() async throws {
        try await MandateProcess.withDemoServer { server in
            // Chromium starts while the server seeds its demo data.
            let baseURL = try await Browser.withSession { browser in
                let baseURL = try await server.baseURL()
                try await browser.navigate(to: "\(baseURL)/dev/outbox")
                #expect(try await browser.currentURL() == "\(baseURL)/dev/outbox")
                let title = try await browser.title()
                #expect(title.hasPrefix("Dev outbox ("), "title: \(title)")
                #expect(title.hasSuffix(" · Mandate"), "title: \(title)")
                let heading = try await browser.findElement(css: "h1")
                #expect(try await heading.text().hasPrefix("Dev outbox"))
                #expect(try await browser.findElement(css: "a[href='/dev/outbox.json']").text() == "JSON")
                #expect(try await browser.windowSize().width == 1280)
                let screenshot = try await browser.saveScreenshot("outbox")
                #expect(try Data(contentsOf: screenshot).starts(with: [0x89, 0x50, 0x4E, 0x47]))  // PNG magic
                try await browser.navigate(to: Self.scriptedPage)
                #expect(try await browser.title() == "js")
                return baseURL
            }

            try await Browser.withSession(BrowserOptions(javaScriptEnabled: false)) { browser in
                // Proof that scripts are off: the page's script renamed it in the first session.
                try await browser.navigate(to: Self.scriptedPage)
                #expect(try await browser.title() == "static")
                try await browser.navigate(to: "\(baseURL)/dev/outbox")
                #expect(try await browser.findElement(css: "h1").text().hasPrefix("Dev outbox"))
                try await browser.saveScreenshot("outbox-no-javascript")
            }
        }
    }

    @Test("a WebDriver error response becomes a Swift error with the W3C code and message")
    func errorsCarryTheW3CCode() async throws {
        try await Browser.withSession { browser in
            try await browser.navigate(to: "data:text/html,<title>empty</title><p id=only>text</p>")
            let error = try await #require(throws: WebDriverError.self) {
                try await browser.findElement(css: "#missing")
            }
            #expect(error.code == "no such element")
            #expect(error.message.contains("#missing"))
            #expect(try await browser.findElements(css: "#missing").isEmpty)
            let paragraph = try await browser.waitForElement(css: "#only")
            #expect(try await paragraph.text() == "text")
            #expect(try await browser.executeScript("return arguments[0].id;", [paragraph.reference]) == "only")
        }
    }
}
