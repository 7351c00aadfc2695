import Foundation
import Testing

/// Where the browser lives, whether tests may use it, and where they leave their artifacts.
///
/// Browser tests run in real headless Chromium, driven by chromedriver (Debian's `chromium` and
/// `chromium-driver`, installed by `make test-deps`). Without them a browser suite is skipped,
/// unless `MANDATE_REQUIRE_BROWSER=1` (set by `make test`, so CI cannot pass by skipping), in which
/// case it fails and says how to install them.
enum Browser {
    static let chromiumPath = "/usr/bin/chromium"
    static let chromedriverPath = "/usr/bin/chromedriver"

    /// Whether both executables are installed.
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: chromiumPath)
            && FileManager.default.isExecutableFile(atPath: chromedriverPath)
    }

    /// Whether a missing browser is a failure rather than a skip.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["MANDATE_REQUIRE_BROWSER"] == "1" }

    static let missingMessage =
        "headless Chromium is missing (\(chromiumPath) and \(chromedriverPath), Debian packages chromium "
        + "and chromium-driver); run `make test-deps` to install them"

    /// Throws when the browser is missing; reached only when it is required (see `whenBrowserInstalled`).
    static func requireAvailable() throws {
        guard isAvailable else { throw WebDriverError(reason: .browserUnavailable, message: missingMessage) }
    }

    /// `<repository root>/.build/test-artifacts` (git-ignored), found from this file's path.
    static let artifactsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")

    static var screenshotsDirectory: URL { artifactsDirectory.appendingPathComponent("screenshots") }

    /// Opens a Chromium session on the suite's chromedriver, runs `body`, and always quits the
    /// session; when `body` throws, a `failure` screenshot is saved first.
    static func withSession<Result>(
        _ options: BrowserOptions = BrowserOptions(), _ body: (WebDriverSession) async throws -> Result
    ) async throws -> Result {
        try requireAvailable()
        guard let driver = ChromeDriver.current else {
            throw WebDriverError(
                reason: .driverDidNotStart, message: "the suite needs the .chromeDriver trait to open a browser")
        }
        let session = try await driver.newSession(options)
        do {
            let result = try await body(session)
            await session.quit()
            return result
        } catch {
            _ = try? await session.saveScreenshot("failure")
            await session.quit()
            throw error
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the suite when Chromium is installed or required; skips it, saying why, otherwise.
    static var whenBrowserInstalled: Self {
        .enabled(if: Browser.isAvailable || Browser.isRequired, Comment(rawValue: Browser.missingMessage))
    }
}
