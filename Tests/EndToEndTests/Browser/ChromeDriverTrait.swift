import Testing

/// Starts one chromedriver for a whole suite and stops it, with every Chromium it started, when the
/// suite ends, however it ends. Tests reach it through ``Browser/withSession(_:_:)``.
///
/// ```swift
/// @Suite("…", .whenBrowserInstalled, .chromeDriver)
/// ```
struct ChromeDriverTrait: SuiteTrait, TestScoping {
    /// Once for the suite, not once per test.
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let driver = try await ChromeDriver.start(name: test.name)
        do {
            try await ChromeDriver.$current.withValue(driver) { try await function() }
        } catch {
            await driver.stop()
            throw error
        }
        await driver.stop()
    }
}

extension Trait where Self == ChromeDriverTrait {
    /// One chromedriver for the suite; see ``ChromeDriverTrait``.
    static var chromeDriver: Self { ChromeDriverTrait() }
}
