import HTMLTemplates
import Testing

@Suite("Partials")
struct PartialTests {
    @Test func partialSeesTheCallersContext() throws {
        let library = try TemplateLibrary(templates: [
            "pages/users": "{{#users}}{{> partials/row}}{{/users}}",
            "partials/row": "<li>{{name}} ({{site}})</li>",
        ])
        let output = try library.render(
            "pages/users", ["site": "Mandate", "users": [["name": "Ada"], ["name": "Bob"]]])
        #expect(output == "<li>Ada (Mandate)</li><li>Bob (Mandate)</li>")
    }

    @Test func standalonePartialIsIndentedLineByLine() throws {
        let library = try TemplateLibrary(templates: [
            "page": "<ul>\n  {{> item}}\n</ul>\n",
            "item": "<li>\n  {{name}}\n\n</li>\n",
        ])
        #expect(try library.render("page", ["name": "Ada"]) == "<ul>\n  <li>\n    Ada\n\n  </li>\n</ul>\n")
    }

    @Test func nestedStandalonePartialsAddUpIndentation() throws {
        let library = try TemplateLibrary(templates: [
            "page": "<body>\n  {{> main}}\n</body>\n",
            "main": "<main>\n  {{> banner}}\n</main>\n",
            "banner": "<p>hi</p>\n",
        ])
        #expect(try library.render("page", [:]) == "<body>\n  <main>\n    <p>hi</p>\n  </main>\n</body>\n")
    }

    @Test func withoutLibraryPartialsRenderAsNothing() throws {
        let template = try Template(source: "a{{> missing}}b", name: "t")
        #expect(template.render([:]) == "ab")
        #expect(template.render([:], partials: try TemplateLibrary(templates: [:])) == "ab")
        #expect(template.partialNames == ["missing"])
    }

    @Test func missingPartialFailsAtLoadTimeWithLocation() throws {
        let error = #expect(throws: TemplateError.self) {
            try TemplateLibrary(templates: [
                "pages/users.html": "<h1>Users</h1>\n<div>\n    {{> partials/banner}}\n</div>\n",
                "partials/footer.html": "",
            ])
        }
        #expect(error?.reason == .missingPartial)
        #expect(error?.templateName == "pages/users")
        #expect(error?.line == 3)
        #expect(error?.column == 5)
        #expect(error?.message.contains("'partials/banner'") == true)
        #expect(error?.description.hasPrefix("pages/users.html:3:5: partial 'partials/banner'") == true)
    }

    @Test func selfIncludingPartialStopsAtDepthLimit() throws {
        let library = try TemplateLibrary(templates: ["loop": "x{{> loop}}"])
        let output = try library.render("loop", [:])
        #expect(output == String(repeating: "x", count: Template.maximumPartialDepth + 1))
    }

    @Test func mutuallyRecursivePartialsStopAtDepthLimit() throws {
        let library = try TemplateLibrary(templates: ["a": "a{{> b}}", "b": "b{{> a}}"])
        let output = try library.render("a", [:])
        #expect(output.count == Template.maximumPartialDepth + 1)
        #expect(output.hasPrefix("abab"))
    }

    @Test func recursiveDataWithinTheLimitRendersFully() throws {
        let library = try TemplateLibrary(templates: [
            "tree": "{{name}}{{#children}}({{> tree}}){{/children}}"
        ])
        // Leaves need an explicit empty list: a missing `children` would be looked up in the parent
        // context (Mustache's outward lookup) and recurse until the depth limit.
        let context: TemplateValue = [
            "name": "root", "children": [["name": "a", "children": [["name": "b", "children": []]]]],
        ]
        #expect(try library.render("tree", context) == "root(a(b))")
    }

    @Test func escapingFollowsTheOutputNotThePartialFile() throws {
        let library = try TemplateLibrary(templates: [
            "page.html": "<p>{{> signature}}</p>",
            "sms.txt": "{{> signature}}",
            "signature.txt": "{{name}}",
        ])
        let context: TemplateValue = ["name": "Tom & Jerry"]
        #expect(try library.render("page", context) == "<p>Tom &amp; Jerry</p>")
        #expect(try library.render("sms", context) == "Tom & Jerry")
    }

    @Test func partialOfTheSameKindIsPreferred() throws {
        let library = try TemplateLibrary(templates: [
            "email/invitation.html": "<p>Join {{team}}</p>\n{{> email/footer}}",
            "email/invitation.txt": "Join {{team}}\n{{> email/footer}}",
            "email/footer.html": "<footer>Mandate</footer>",
            "email/footer.txt": "-- Mandate",
        ])
        #expect(
            try library.render("email/invitation.html", ["team": "A&B"])
                == "<p>Join A&amp;B</p>\n<footer>Mandate</footer>")
        #expect(try library.render("email/invitation.txt", ["team": "A&B"]) == "Join A&B\n-- Mandate")
    }
}
