import HTMLTemplates
import Testing

/// One case from the official Mustache spec (github.com/mustache/spec, `specs/*.yml`), typed in by
/// hand. Set-delimiter, lambda and inheritance cases are left out because those features are not
/// supported.
struct SpecCase: Sendable, CustomTestStringConvertible {
    let name: String
    let data: TemplateValue
    let template: String
    var partials: [String: String] = [:]
    let expected: String

    var testDescription: String { name }

    /// Renders the case as the spec describes: the main template with its partials available.
    func render() throws -> String {
        let library = try TemplateLibrary(templates: partials)
        return try Template(source: template, name: name).render(data, partials: library)
    }
}
