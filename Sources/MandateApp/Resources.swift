import Foundation
import HTMLTemplates
import MandateCore

/// The files Mandate reads at start: the plan catalog, the password blocklist, the templates.
struct Resources: Sendable {
    let catalog: PlanCatalog
    let blocklist: PasswordBlocklist
    let templates: TemplateLibrary

    /// Loads and validates everything; a broken file is a configuration error (exit 78).
    static func load(_ configuration: AppConfiguration) throws(CommandLineError) -> Resources {
        let fixtures = configuration.fixturesDirectory
        do throws(CoreError) {
            let catalog = try PlanCatalog.load(from: fixtures.appendingPathComponent("plans.json"))
            let blocklist = try PasswordBlocklist.load(from: fixtures.appendingPathComponent("common-passwords.txt"))
            let templates: TemplateLibrary
            do {
                templates = try TemplateLibrary(directory: configuration.templatesDirectory)
            } catch {
                throw CoreError.invalid("templates", "templates in \(configuration.templatesDirectory.path): \(error)")
            }
            return Resources(catalog: catalog, blocklist: blocklist, templates: templates)
        } catch {
            throw CommandLineError(
                .configuration, error.message,
                hint:
                    "Run from the repository root, or point --resources (MANDATE_RESOURCES) at the folder holding Fixtures/ and Templates/."
            )
        }
    }
}
