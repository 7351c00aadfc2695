/// A set of parsed templates that can include each other as partials, usually loaded from a directory
/// with ``init(directory:)``.
///
/// A template loaded from `pages/users.html` can be named `pages/users.html` or simply `pages/users`.
/// When both `email/invitation.html` and `email/invitation.txt` exist (the two parts of one email),
/// the short name is ambiguous: `render` then needs the full name, and a partial written as
/// `{{> email/footer}}` picks the file whose kind matches the output being rendered.
///
/// Every partial that a template includes is checked when the library is created, so a typo in a
/// partial name fails at startup instead of silently rendering nothing.
public struct TemplateLibrary: Sendable {
    /// Templates by full name (with extension) and by unambiguous short name.
    private let templatesByName: [String: Template]
    /// Short names shared by several files, with the full names to choose from.
    private let ambiguousNames: [String: [String]]

    /// Builds a library from template sources keyed by name; mainly for tests.
    ///
    /// A key ending in `.html` or `.txt` works like a file name in ``init(directory:)``: the extension
    /// decides the escaping and may be left out when rendering. Other keys use `escaping`.
    ///
    /// - Throws: ``TemplateError`` for a template that does not parse or includes a missing partial.
    public init(templates: [String: String], escaping: TemplateEscaping = .html) throws(TemplateError) {
        try self.init(sources: templates.map { (key: $0.key, source: $0.value) }, defaultEscaping: escaping)
    }

    /// Parses every source, indexes it by name and checks that all partials exist.
    init(sources: [(key: String, source: String)], defaultEscaping: TemplateEscaping) throws(TemplateError) {
        var templatesByName: [String: Template] = [:]
        var shortNames: [String: [String]] = [:]
        for entry in sources.sorted(by: { $0.key < $1.key }) {
            var shortName = entry.key
            var fileName: String?
            var escaping = defaultEscaping
            for fileExtension in ["html", "txt"] where entry.key.hasSuffix(".\(fileExtension)") {
                shortName = String(entry.key.dropLast(fileExtension.count + 1))
                fileName = entry.key
                escaping = TemplateEscaping.forFileExtension(fileExtension)
            }
            templatesByName[entry.key] = try Template(
                source: entry.source, name: shortName, fileName: fileName, escaping: escaping)
            if shortName != entry.key {
                shortNames[shortName, default: []].append(entry.key)
            }
        }
        var ambiguousNames: [String: [String]] = [:]
        for (shortName, fullNames) in shortNames where templatesByName[shortName] == nil {
            if fullNames.count == 1 {
                templatesByName[shortName] = templatesByName[fullNames[0]]
            } else {
                ambiguousNames[shortName] = fullNames.sorted()
            }
        }
        self.templatesByName = templatesByName
        self.ambiguousNames = ambiguousNames
        try verifyPartials()
    }

    /// Every name ``render(_:_:)`` accepts, sorted.
    public var templateNames: [String] {
        templatesByName.keys.sorted()
    }

    /// The template with this full or short name, or `nil` if there is none (or the short name is
    /// ambiguous).
    public func template(named name: String) -> Template? {
        templatesByName[name]
    }

    /// Renders the named template, with this library providing its partials.
    ///
    /// - Parameters:
    ///   - name: A full name such as `email/invitation.txt`, or a short one such as `pages/users`.
    ///   - context: The data to render.
    /// - Throws: ``TemplateError`` with reason `.unknownTemplate` when there is no such template; the
    ///   rendering itself never fails.
    public func render(_ name: String, _ context: TemplateValue) throws(TemplateError) -> String {
        guard let template = templatesByName[name] else {
            let message: String
            if let candidates = ambiguousNames[name] {
                let choices = candidates.map { "'\($0)'" }.joined(separator: " or ")
                message = "template name '\(name)' is ambiguous; use \(choices)"
            } else {
                message = "no template named '\(name)' in the library"
            }
            throw TemplateError(reason: .unknownTemplate, message: message, templateName: name)
        }
        return template.render(context, partials: self)
    }

    /// The template a `{{> name}}` tag includes: an exact match first, then the file of the same kind
    /// as the output being rendered (`name.html` for HTML, `name.txt` for text), then the other kind.
    func partialTemplate(named name: String, preferring escaping: TemplateEscaping) -> Template? {
        if let exact = templatesByName[name] {
            return exact
        }
        let (preferred, other) = escaping == .html ? (".html", ".txt") : (".txt", ".html")
        return templatesByName[name + preferred] ?? templatesByName[name + other]
    }

    /// Fails on the first partial reference (in name order) that no template answers to.
    private func verifyPartials() throws(TemplateError) {
        // Short names point at the same templates as full names; checking one twice is harmless.
        for (_, template) in templatesByName.sorted(by: { $0.key < $1.key }) {
            for reference in template.partialReferences
            where partialTemplate(named: reference.name, preferring: template.escaping) == nil {
                throw TemplateError(
                    reason: .missingPartial,
                    message:
                        "partial '\(reference.name)' is not in the library (looked for '\(reference.name)', '\(reference.name).html' and '\(reference.name).txt')",
                    templateName: template.name, fileName: template.fileName, line: reference.line,
                    column: reference.column)
            }
        }
    }
}
