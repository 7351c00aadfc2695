/// A name inside a tag, split once at parse time so rendering never splits strings.
struct TemplateKeyPath: Sendable, Equatable {
    /// The dot-separated parts of the name; empty for the implicit iterator `{{.}}`.
    let components: [String]

    /// Parses `user.name` or `.`; returns `nil` for names with empty parts such as `a..b` or `a.`.
    init?(_ name: String) {
        if name == "." {
            components = []
            return
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        components = parts.map(String.init)
    }
}

/// One element of a parsed template. Templates are parsed once into a tree of these and then rendered
/// many times, so everything that can be decided at parse time (standalone lines, split names,
/// indentation) already has been.
enum TemplateNode: Sendable {
    /// Literal text, written as-is.
    case text(String)
    /// `{{name}}` (`isRaw == false`) or `{{{name}}}` / `{{& name}}` (`isRaw == true`).
    case variable(TemplateKeyPath, isRaw: Bool)
    /// `{{#name}}…{{/name}}` (`isInverted == false`) or `{{^name}}…{{/name}}`.
    case section(TemplateKeyPath, children: [TemplateNode], isInverted: Bool)
    /// `{{> name}}`; `indentation` is the whitespace before a standalone partial tag (the Mustache spec
    /// indents every line of the partial by it) and `nil` for an inline partial.
    case partial(name: String, indentation: String?)
}

/// A `{{> name}}` found while parsing, kept so a library can check at load time that it exists.
struct PartialReference: Sendable {
    /// The partial's name as written in the tag.
    let name: String
    /// 1-based line of the tag.
    let line: Int
    /// 1-based column of the tag.
    let column: Int
}
