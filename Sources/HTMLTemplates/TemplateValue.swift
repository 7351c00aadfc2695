/// The data a template is rendered with: a small JSON-like tree that is `Sendable` and can be written
/// with literals, for example `["user": ["name": "Ada"], "items": [1, 2, 3], "admin": true]`.
public enum TemplateValue: Sendable, Equatable {
    /// Text; HTML-escaped when interpolated into HTML output, even inside a raw tag.
    case string(String)
    /// A flag; renders as `true` or `false`, and `false` is falsy in sections.
    case bool(Bool)
    /// An integer, rendered in decimal.
    case int(Int)
    /// A floating-point number; whole numbers render without a fractional part (`3`, not `3.0`).
    case double(Double)
    /// A list: a section iterates over it, and an empty list is falsy.
    case list([TemplateValue])
    /// An object: a section pushes it onto the context stack, and dotted names look inside it.
    case object([String: TemplateValue])
    /// Markup produced by application code; written unescaped only by raw tags (`{{{name}}}`).
    case html(TrustedHTML)
    /// No value; renders as nothing and is falsy.
    case null

    /// Whether a section `{{#name}}` renders (and an inverted section `{{^name}}` does not).
    ///
    /// Follows Mustache: `false`, `null`, the empty list and the empty string are falsy; everything
    /// else, including `0` and the empty object, is truthy.
    public var isTruthy: Bool {
        switch self {
        case .bool(let flag): flag
        case .null: false
        case .list(let items): !items.isEmpty
        case .string(let text): !text.isEmpty
        case .html(let markup): !markup.rawHTML.isEmpty
        case .int, .double, .object: true
        }
    }

    /// The member named `key` when this value is an object, otherwise `nil`.
    public subscript(key: String) -> TemplateValue? {
        if case .object(let members) = self {
            return members[key]
        }
        return nil
    }
}

extension TemplateValue {
    /// Text written for a scalar value by an interpolation tag, before any escaping.
    ///
    /// Lists and objects render as nothing: a debug dump of a data structure is never wanted in a page
    /// or a text message, and an empty result makes the template mistake easy to see.
    var interpolatedText: String {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): Self.format(number)
        case .html(let markup): markup.rawHTML
        case .list, .object, .null: ""
        }
    }

    /// Formats a double the way JavaScript Mustache implementations do for whole numbers (`3`, not
    /// `3.0`), and with Swift's shortest round-trip representation otherwise (`1.21`).
    private static func format(_ number: Double) -> String {
        // 2^53: beyond it not every integer is representable, and `Int(exactly:)` could mislead.
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992, let whole = Int(exactly: number) {
            return String(whole)
        }
        return number.description
    }
}
