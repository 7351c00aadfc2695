import Foundation
import HTMLTemplates
import Testing

@Suite("Loading a library from a directory")
struct LibraryLoadingTests {
    @Test func loadsNestedFoldersAndChoosesEscapingByExtension() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "<h1>{{title}}</h1>\n{{> partials/banner}}\n{{#users}}\n<p>{{name}}</p>\n{{/users}}\n",
            to: "pages/users.html")
        try directory.write("<div class=\"banner\">{{banner}}</div>\n", to: "partials/banner.html")
        try directory.write("<p>Join {{team}}</p>", to: "email/invitation.html")
        try directory.write("Join {{team}}", to: "email/invitation.txt")
        try directory.write("Your code is {{code}} & expires soon", to: "sms/login-code.txt")
        try directory.write("ignored", to: "README.md")
        try directory.write("{{#broken", to: ".hidden/broken.html")
        try directory.write("{{#broken", to: "pages/.users.html.swp")

        let library = try TemplateLibrary(directory: directory.url)
        #expect(
            library.templateNames == [
                "email/invitation.html", "email/invitation.txt", "pages/users", "pages/users.html", "partials/banner",
                "partials/banner.html", "sms/login-code", "sms/login-code.txt",
            ])
        let page = try library.render(
            "pages/users", ["title": "Users & Roles", "banner": "<b>", "users": [["name": "Ada"], ["name": "O'Hara"]]])
        #expect(
            page == "<h1>Users &amp; Roles</h1>\n<div class=\"banner\">&lt;b&gt;</div>\n<p>Ada</p>\n<p>O&#39;Hara</p>\n"
        )
        #expect(try library.render("sms/login-code", ["code": "<123>"]) == "Your code is <123> & expires soon")
        #expect(try library.render("email/invitation.html", ["team": "R&D"]) == "<p>Join R&amp;D</p>")
        #expect(try library.render("email/invitation.txt", ["team": "R&D"]) == "Join R&D")
        #expect(library.template(named: "sms/login-code")?.escaping == TemplateEscaping.none)
        #expect(library.template(named: "pages/users")?.escaping == .html)
    }

    @Test func missingPartialInAFileIsReportedWithFileName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("<p>ok</p>", to: "partials/footer.html")
        try directory.write("<main>\n  {{> partials/baner}}\n</main>", to: "pages/home.html")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: directory.url) }
        #expect(error?.reason == .missingPartial)
        #expect(error?.fileName == "pages/home.html")
        #expect(error?.templateName == "pages/home")
        #expect(
            error?.description.hasPrefix("pages/home.html:2:3: partial 'partials/baner' is not in the library") == true)
    }

    @Test func parseErrorInAFileNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("ok\n{{#users}}\n", to: "pages/users.html")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: directory.url) }
        #expect(
            error?.description
                == "pages/users.html:2:1: section 'users' opened here is never closed (add '{{/users}}' after '{{#users}}')"
        )
    }

    @Test func missingDirectoryIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.url.appendingPathComponent("nope")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: missing) }
        #expect(error?.reason == .unreadableFile)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func invalidUTF8IsUnreadableAndByteOrderMarkIsDropped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Data([0xEF, 0xBB, 0xBF] + Array("<p>{{x}}</p>".utf8)), to: "bom.html")
        #expect(try TemplateLibrary(directory: directory.url).render("bom", ["x": 1]) == "<p>1</p>")

        try directory.write(Data([0x3C, 0xFF, 0xFE, 0x3E]), to: "bad/latin1.html")
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: directory.url) }
        #expect(error?.reason == .unreadableFile)
        #expect(error?.fileName == "bad/latin1.html")
        #expect(error?.message.contains("UTF-8") == true)
    }

    @Test func emptyDirectoryGivesEmptyLibrary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try TemplateLibrary(directory: directory.url).templateNames.isEmpty)
    }

    @Test func asyncLoadReadsOnItsOwnThread() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("Hi {{name}}", to: "greeting.txt")
        let library = try await TemplateLibrary.load(directory: directory.url)
        #expect(try library.render("greeting", ["name": "Ada & Co"]) == "Hi Ada & Co")

        let missing = directory.url.appendingPathComponent("missing")
        await #expect(throws: TemplateError.self) { try await TemplateLibrary.load(directory: missing) }
    }
}
