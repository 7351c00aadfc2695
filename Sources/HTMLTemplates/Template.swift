/// A Mustache template, parsed once and then rendered any number of times from any thread.
///
/// Supported tags: `{{name}}`, `{{user.name}}`, `{{.}}`, raw `{{{name}}}` / `{{& name}}`, sections
/// `{{#name}}…{{/name}}`, inverted sections `{{^name}}…{{/name}}`, comments `{{! … }}` and partials
/// `{{> name}}`. Tags that stand alone on a line (sections, comments, partials) remove that line, as
/// the Mustache spec requires, so generated HTML stays tidy.
///
/// Deliberate deviations from Mustache:
/// - Raw tags only bypass escaping for ``TemplateValue/html(_:)`` values. A plain string in
///   `{{{name}}}` is still HTML-escaped, so a template author can never create an XSS hole by typing
///   one brace too many; markup that must go out unescaped has to be wrapped in ``TrustedHTML`` by code.
/// - `{{name}}` always escapes in HTML output, even for ``TrustedHTML``: unescaped output needs both a
///   trusted value and a raw tag, so it is visible in the code and in the template.
/// - Set-delimiter tags, lambdas, template inheritance and dynamic partial names are not supported
///   and are rejected at parse time with ``TemplateError/Reason/unsupportedTag``.
public struct Template: Sendable {
    /// How deeply partials may include partials; deeper ones render as nothing. This stops a partial
    /// that includes itself (directly or through others) while allowing recursive data such as trees.
    public static let maximumPartialDepth = 32

    /// The template's name, used in error messages and as its key in a ``TemplateLibrary``.
    public let name: String
    /// Whether interpolated values are HTML-escaped (`.html`) or written as they are (`.none`).
    public let escaping: TemplateEscaping
    /// The file this template came from, relative to the library directory, if any.
    let fileName: String?
    let nodes: [TemplateNode]
    let partialReferences: [PartialReference]

    /// Parses a template.
    ///
    /// - Parameters:
    ///   - source: The template text.
    ///   - name: A name for error messages, such as `pages/users`.
    ///   - escaping: `.html` (the default) for HTML output, `.none` for SMS bodies and other plain text.
    /// - Throws: ``TemplateError`` with the line and column of the offending tag.
    public init(source: String, name: String, escaping: TemplateEscaping = .html) throws(TemplateError) {
        try self.init(source: source, name: name, fileName: nil, escaping: escaping)
    }

    init(source: String, name: String, fileName: String?, escaping: TemplateEscaping) throws(TemplateError) {
        let parser = TemplateParser(source: source, templateName: name, fileName: fileName)
        (nodes, partialReferences) = try parser.parse()
        self.name = name
        self.fileName = fileName
        self.escaping = escaping
    }

    /// The names of the partials this template includes, in order of first appearance.
    public var partialNames: [String] {
        var seen: Set<String> = []
        return partialReferences.map(\.name).filter { seen.insert($0).inserted }
    }

    /// Renders the template. Never fails: missing values and missing partials render as nothing.
    ///
    /// - Parameters:
    ///   - context: The data; names are looked up in it.
    ///   - partials: Where `{{> name}}` finds its templates; `nil` renders partials as nothing.
    /// - Returns: The rendered text.
    public func render(_ context: TemplateValue, partials: TemplateLibrary? = nil) -> String {
        var renderer = TemplateRenderer(
            context: context, library: partials, escaping: escaping,
            capacity: Self.estimatedSize(of: nodes, context: context))
        renderer.render(nodes)
        return String(decoding: renderer.output, as: UTF8.self)
    }

    /// A guess of the output size so the output string is allocated once in the common case: literal
    /// text plus a little per tag, with top-level sections over lists counted once per item (a
    /// dashboard table of 1,000 rows is one such section).
    private static func estimatedSize(of nodes: [TemplateNode], context: TemplateValue) -> Int {
        let probe = TemplateRenderer(context: context, library: nil, escaping: .none, capacity: 0)
        var total = 0
        for node in nodes {
            if case .section(let path, let children, false) = node, case .list(let items)? = probe.lookUp(path) {
                total += items.count * staticSize(of: children)
            } else {
                total += staticSize(of: [node])
            }
        }
        // Keep a silly context from reserving an absurd amount up front; the string still grows.
        return min(total, 1 << 24)
    }

    /// Literal bytes of `nodes` plus an allowance for each interpolation and partial.
    private static func staticSize(of nodes: [TemplateNode]) -> Int {
        var total = 0
        for node in nodes {
            switch node {
            case .text(let text): total += text.utf8.count
            case .variable: total += 16
            case .section(_, let children, _): total += staticSize(of: children)
            case .partial: total += 128
            }
        }
        return total
    }
}
