import HTMLTemplates
import Testing

@Suite("Errors")
struct ErrorTests {
    private func parseError(_ source: String) -> TemplateError? {
        #expect(throws: TemplateError.self) { try Template(source: source, name: "pages/users") }
    }

    @Test func unclosedSectionPointsAtOpeningTag() throws {
        let error = try #require(parseError("<ul>\n    {{#users}}\n  <li>{{name}}</li>\n</ul>\n"))
        #expect(error.reason == .unclosedSection)
        #expect(error.line == 2)
        #expect(error.column == 5)
        #expect(error.templateName == "pages/users")
        #expect(error.description.hasPrefix("pages/users:2:5: section 'users' opened here is never closed"))
    }

    @Test func innermostUnclosedSectionIsReported() throws {
        let error = try #require(parseError("{{#a}}\n{{#b}}{{/b}}\n{{^c}}\n{{/a}}"))
        #expect(error.reason == .mismatchedSection)
        #expect(error.line == 4)
        #expect(error.column == 1)
        #expect(error.message.contains("does not match section 'c' opened at 3:1"))
        let unclosed = try #require(parseError("{{#a}}{{^b}}"))
        #expect(unclosed.reason == .unclosedSection)
        #expect(unclosed.column == 7)
        #expect(unclosed.message.contains("'b'"))
    }

    @Test func closingTagWithoutOpeningTag() throws {
        let error = try #require(parseError("ok\nab {{/users}}"))
        #expect(error.reason == .mismatchedSection)
        #expect((error.line, error.column) == (2, 4))
        #expect(error.message.contains("has no matching"))
    }

    @Test(
        arguments: [
            ("Hi {{name", 1, 4), ("Hi\n {{name}", 2, 2), ("{{{raw}}", 1, 1), ("a {{{raw}} b }}}", 1, 3),
            ("x\n{{name <b>{{other}}", 2, 1), ("{{! never closed", 1, 1),
        ])
    func unclosedTags(_ source: String, _ line: Int, _ column: Int) throws {
        let error = try #require(parseError(source))
        #expect(error.reason == .unclosedTag)
        #expect((error.line, error.column) == (line, column))
    }

    @Test(
        arguments: [
            ("{{=<% %>=}}", "set-delimiter"), ("{{<layout}}{{/layout}}", "inheritance"),
            ("{{$block}}{{/block}}", "inheritance"), ("{{>*dynamic}}", "dynamic"), ("{{}}", "no name"),
            ("{{#}}{{/}}", "no name"), ("{{first name}}", "spaces"), ("{{a..b}}", "dotted"), ("{{a.}}", "dotted"),
            ("{{ #a }}", "directly after"), ("{{> two words}}", "spaces"), ("{{>}}", "no name"),
        ])
    func unsupportedTags(_ source: String, _ hint: String) throws {
        let error = try #require(parseError("line one\n  " + source))
        #expect(error.reason == .unsupportedTag)
        #expect((error.line, error.column) == (2, 3))
        #expect(error.message.contains(hint), "\(error.message)")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let error = try #require(parseError("é😀 {{#x}}"))
        #expect((error.line, error.column) == (1, 4))
    }

    @Test func libraryErrorsNameTheFile() throws {
        let error = #expect(throws: TemplateError.self) {
            try TemplateLibrary(templates: ["pages/users.html": "\n\n\n\n\n\n\n\n\n\n\n    {{#users}}"])
        }
        #expect(error?.fileName == "pages/users.html")
        #expect(
            error?.description
                == "pages/users.html:12:5: section 'users' opened here is never closed (add '{{/users}}' after '{{#users}}')"
        )
    }

    @Test func unknownTemplate() throws {
        let library = try TemplateLibrary(templates: ["pages/users.html": "x"])
        let error = #expect(throws: TemplateError.self) { try library.render("pages/user", [:]) }
        #expect(error?.reason == .unknownTemplate)
        #expect(error?.templateName == "pages/user")
        #expect((error?.line, error?.column) == (0, 0))
        #expect(error?.description == "pages/user: no template named 'pages/user' in the library")
    }

    @Test func ambiguousShortNameIsExplained() throws {
        let library = try TemplateLibrary(templates: ["email/invite.html": "<p>hi</p>", "email/invite.txt": "hi"])
        let error = #expect(throws: TemplateError.self) { try library.render("email/invite", [:]) }
        #expect(error?.reason == .unknownTemplate)
        #expect(error?.message.contains("'email/invite.html' or 'email/invite.txt'") == true)
        #expect(try library.render("email/invite.txt", [:]) == "hi")
    }
}
