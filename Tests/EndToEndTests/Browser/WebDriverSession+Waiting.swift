import Foundation
import Testing

extension WebDriverSession {
    /// Polls `condition` until it returns a value, for pages that are still loading or changing.
    ///
    /// This waits for a state, it does not assert speed: the timeout is generous because the test
    /// machine may be busy. "No such element" and "stale element" count as "not yet".
    @discardableResult
    func waitFor<Value>(
        _ description: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        var lastError: WebDriverError?
        while true {
            do {
                if let value = try await condition() { return value }
            } catch let error as WebDriverError where error.isTransientLookupFailure {
                lastError = error
            }
            guard ContinuousClock.now < deadline else {
                let detail = lastError.map { " (last: \($0))" } ?? ""
                throw WebDriverError(
                    reason: .timedOut,
                    message: "waited \(timeout) for \(description)\(detail); at \(try await currentURL())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Polls until `condition` holds; see ``waitFor(_:timeout:_:)``.
    func waitUntil(_ description: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool)
        async throws
    {
        try await waitFor(description, timeout: timeout) { try await condition() ? true : nil }
    }

    /// Waits until an element matches the CSS `selector` and returns it.
    func waitForElement(css selector: String, timeout: Duration = .seconds(20)) async throws -> WebElement {
        try await waitFor("an element matching \(selector)", timeout: timeout) {
            try await findElements(css: selector).first
        }
    }

    /// Saves the viewport as `.build/test-artifacts/screenshots/<test>-<name>.png` and returns the file.
    @discardableResult
    func saveScreenshot(_ name: String) async throws -> URL {
        let png = try await screenshot()
        let directory = Browser.screenshotsDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("\(Self.fileSafe(Self.currentTestName))-\(Self.fileSafe(name)).png")
        try png.write(to: file)
        return file
    }

    /// The running test function's name without its parameter list (`outboxRenders()` → `outboxRenders`).
    static var currentTestName: String {
        guard let name = Test.current?.name else { return "unknown-test" }
        return String(name.prefix { $0 != "(" })
    }

    private static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
    }
}
