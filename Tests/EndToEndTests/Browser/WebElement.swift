import Foundation

/// An element of the page a session shows (a W3C "web element reference", §12.1).
///
/// It goes stale when the page reloads or re-renders; look it up again then.
struct WebElement: Sendable {
    /// The JSON key of an element reference, fixed by the W3C specification.
    static let referenceKey = "element-6066-11e4-a52e-4f735466cecf"

    let id: String
    let session: WebDriverSession

    /// The reference as a script argument for ``WebDriverSession/executeScript(_:_:)``.
    var reference: WebDriverJSON { [Self.referenceKey: .string(id)] }

    @discardableResult
    private func command(_ method: String, _ path: String, _ body: WebDriverJSON? = nil) async throws -> WebDriverJSON {
        try await session.command(method, "/element/\(id)\(path)", body)
    }

    /// The rendered text, as a user sees it (Get Element Text, §12.4.5).
    func text() async throws -> String {
        try await session.string(from: command("GET", "/text"), "Get Element Text")
    }

    /// The content attribute as written in the HTML; `nil` when absent.
    func attribute(_ name: String) async throws -> String? {
        try await command("GET", "/attribute/\(name)").stringValue
    }

    /// The DOM property, such as `value` or `checked`, as it is now.
    func property(_ name: String) async throws -> WebDriverJSON {
        try await command("GET", "/property/\(name)")
    }

    func tagName() async throws -> String {
        try await session.string(from: command("GET", "/name"), "Get Element Tag Name")
    }

    /// False for a disabled form control.
    func isEnabled() async throws -> Bool {
        try await command("GET", "/enabled").boolValue ?? false
    }

    /// Whether a user would see it (chromedriver's "Element Displayedness", W3C Appendix C): not
    /// hidden by `display: none`, `visibility` or a zero size.
    func isDisplayed() async throws -> Bool {
        try await command("GET", "/displayed").boolValue ?? false
    }

    func isSelected() async throws -> Bool {
        try await command("GET", "/selected").boolValue ?? false
    }

    /// Scrolls into view and clicks the centre; fails with `element click intercepted` when
    /// something covers it, which is the point of clicking like a user.
    func click() async throws {
        try await command("POST", "/click", [:])
    }

    /// Types `text` as key presses into the element.
    func sendKeys(_ text: String) async throws {
        try await command("POST", "/value", ["text": .string(text)])
    }

    /// Empties an input or textarea.
    func clear() async throws {
        try await command("POST", "/clear", [:])
    }

    /// The first descendant matching the CSS `selector`.
    func findElement(css selector: String) async throws -> WebElement {
        try await session.element(
            from: command("POST", "/element", ["using": "css selector", "value": .string(selector)]))
    }

    /// Every descendant matching the CSS `selector`.
    func findElements(css selector: String) async throws -> [WebElement] {
        let value = try await command("POST", "/elements", ["using": "css selector", "value": .string(selector)])
        return try (value.arrayValue ?? []).map(session.element(from:))
    }

    /// Just this element as PNG bytes.
    func screenshot() async throws -> Data {
        try await session.decodePNG(command("GET", "/screenshot"))
    }
}
