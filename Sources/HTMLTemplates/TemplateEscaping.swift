/// How interpolated values are written into a template's output.
///
/// The mode belongs to the *output* being produced: when a template includes partials, the partials
/// are rendered with the escaping of the template that `render` was called on, so a `.txt` partial
/// pulled into an HTML page is still HTML-escaped.
public enum TemplateEscaping: Sendable, Equatable {
    /// HTML output: `{{name}}` escapes `& < > " ' `` ` and `=` to character references, and raw tags
    /// only write ``TrustedHTML`` unescaped.
    case html
    /// Plain-text output (SMS bodies, the `text/plain` part of an email): values are written as they
    /// are, because entities such as `&amp;` would show up literally on the recipient's phone.
    case none

    /// The escaping a library file gets from its extension: `.txt` means plain text, anything else HTML.
    static func forFileExtension(_ fileExtension: String) -> TemplateEscaping {
        fileExtension == "txt" ? .none : .html
    }
}
