/// Markup that the application itself produced and vouches for, such as an inline SVG chart drawn by
/// our own code. It is the only kind of value that a raw tag (`{{{name}}}` or `{{& name}}`) writes out
/// without HTML escaping.
///
/// The initializer is deliberately named `unsafeRawHTML:` so that every place that bypasses escaping
/// stands out in code review. Never wrap text that came from a user, a database column or a request:
/// that turns a template into a cross-site-scripting hole.
public struct TrustedHTML: Sendable, Equatable {
    /// The markup, exactly as it will be written into the page.
    public let rawHTML: String

    /// Wraps markup that will be written into the page without escaping.
    ///
    /// - Parameter unsafeRawHTML: Markup produced by trusted application code, never by user input.
    public init(unsafeRawHTML: String) {
        self.rawHTML = unsafeRawHTML
    }
}
