/// The single error type of the browser-test support: why a browser command failed, for code, and
/// what happened, for the person reading the test log.
struct WebDriverError: Error, Sendable, CustomStringConvertible {
    enum Reason: Sendable, Equatable {
        /// `chromium` or `chromedriver` is not installed.
        case browserUnavailable
        /// chromedriver did not start or never said it was ready.
        case driverDidNotStart
        /// The HTTP exchange with chromedriver failed.
        case transport
        /// chromedriver answered with something that is not a WebDriver response.
        case invalidResponse
        /// A ``WebDriverSession/waitUntil(_:timeout:_:)`` condition never held.
        case timedOut
        /// A W3C error response; `code` is its `error` field, such as `no such element`
        /// (W3C WebDriver §6.6, "Errors").
        case command(code: String)
    }

    var reason: Reason
    var message: String

    /// The W3C `error` code of a command failure, or `nil` for the other reasons.
    var code: String? {
        if case .command(let code) = reason { return code }
        return nil
    }

    /// Errors that mean "not there (yet)" while a page is still loading or re-rendering.
    var isTransientLookupFailure: Bool {
        ["no such element", "stale element reference", "element not interactable"].contains(code ?? "")
    }

    var description: String {
        switch reason {
        case .command(let code): "WebDriver error '\(code)': \(message)"
        default: "WebDriverError(\(reason)): \(message)"
        }
    }
}
