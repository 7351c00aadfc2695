import Foundation

/// One Chromium instance under WebDriver control; commands follow W3C WebDriver (Level 2).
///
/// Open one with ``Browser/withSession(_:_:)``, which also quits it.
struct WebDriverSession: Sendable {
    let id: String
    let driver: ChromeDriver

    /// Sends a command under `/session/{id}`.
    @discardableResult
    func command(_ method: String, _ path: String, _ body: WebDriverJSON? = nil) async throws -> WebDriverJSON {
        try await driver.command(method, "/session/\(id)\(path)", body)
    }

    /// Quits Chromium (Delete Session, §8.2); safe to call twice.
    func quit() async {
        await driver.deleteSession(id)
    }

    // MARK: Navigation (§10)

    /// Loads `url` and returns once the page's `load` event fired (page load strategy "normal").
    func navigate(to url: String) async throws {
        try await command("POST", "/url", ["url": .string(url)])
    }

    func currentURL() async throws -> String {
        try await string(from: command("GET", "/url"), "Get Current URL")
    }

    func title() async throws -> String {
        try await string(from: command("GET", "/title"), "Get Title")
    }

    func back() async throws {
        try await command("POST", "/back", [:])
    }

    func refresh() async throws {
        try await command("POST", "/refresh", [:])
    }

    /// The serialized DOM as it is now (Get Page Source, §13.1).
    func pageSource() async throws -> String {
        try await string(from: command("GET", "/source"), "Get Page Source")
    }

    // MARK: Elements (§12)

    /// The first element matching the CSS `selector`; throws `no such element` when there is none.
    func findElement(css selector: String) async throws -> WebElement {
        try await element(from: command("POST", "/element", ["using": "css selector", "value": .string(selector)]))
    }

    /// Every element matching the CSS `selector`, in document order; empty when there is none.
    func findElements(css selector: String) async throws -> [WebElement] {
        let value = try await command("POST", "/elements", ["using": "css selector", "value": .string(selector)])
        return try (value.arrayValue ?? []).map(element(from:))
    }

    func element(from value: WebDriverJSON) throws -> WebElement {
        guard let elementID = value[WebElement.referenceKey]?.stringValue else {
            throw WebDriverError(reason: .invalidResponse, message: "not an element reference: \(value)")
        }
        return WebElement(id: elementID, session: self)
    }

    // MARK: Scripts (§13.2), for tests only: the dashboard itself must work without JavaScript

    /// Runs `script` as the body of a function (`return document.title;`) with `arguments`
    /// (`WebElement.reference` passes an element) and returns its result.
    @discardableResult
    func executeScript(_ script: String, _ arguments: [WebDriverJSON] = []) async throws -> WebDriverJSON {
        try await command("POST", "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    // MARK: Window (§11.8)

    func windowSize() async throws -> (width: Int, height: Int) {
        let rect = try await command("GET", "/window/rect")
        return (Int(rect["width"]?.doubleValue ?? 0), Int(rect["height"]?.doubleValue ?? 0))
    }

    func setWindowSize(width: Int, height: Int) async throws {
        try await command("POST", "/window/rect", ["width": .number(Double(width)), "height": .number(Double(height))])
    }

    // MARK: Screenshots (§17)

    /// The viewport as PNG bytes.
    func screenshot() async throws -> Data {
        try await decodePNG(command("GET", "/screenshot"))
    }

    func decodePNG(_ value: WebDriverJSON) throws -> Data {
        guard let base64 = value.stringValue, let data = Data(base64Encoded: base64) else {
            throw WebDriverError(reason: .invalidResponse, message: "a screenshot is not base64 PNG")
        }
        return data
    }

    func string(from value: WebDriverJSON, _ command: String) throws -> String {
        guard let text = value.stringValue else {
            throw WebDriverError(reason: .invalidResponse, message: "\(command) returned \(value), not a string")
        }
        return text
    }
}
