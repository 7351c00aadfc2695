import HTMLTemplates
import Testing

@Suite("Rendering")
struct RenderingTests {
    private func render(_ source: String, _ context: TemplateValue) throws -> String {
        try Template(source: source, name: "test").render(context)
    }

    @Test func interpolatesNamesWithPaddingAndMissingValues() throws {
        #expect(try render("Hello {{name}}!", ["name": "Ada"]) == "Hello Ada!")
        #expect(try render("Hello {{ name }}!", ["name": "Ada"]) == "Hello Ada!")
        #expect(try render("Hello {{missing}}!", ["name": "Ada"]) == "Hello !")
        #expect(try render("{{a.b}}", ["a": "not an object"]) == "")
    }

    @Test func dottedNamesReachIntoObjects() throws {
        let context: TemplateValue = ["user": ["name": "Ada", "team": ["name": "Engines"]]]
        #expect(try render("{{user.name}} / {{user.team.name}} / {{user.missing.name}}", context) == "Ada / Engines / ")
    }

    @Test func implicitIteratorRendersCurrentItem() throws {
        #expect(try render("{{#tags}}[{{.}}]{{/tags}}", ["tags": ["a", "<b>", "c"]]) == "[a][&lt;b&gt;][c]")
        // An object as current item renders as nothing rather than as a debug dump.
        #expect(try render("{{#users}}({{.}}){{/users}}", ["users": [["name": "Ada"]]]) == "()")
    }

    @Test func sectionOverListIteratesWithItemContext() throws {
        let context: TemplateValue = ["users": [["name": "Ada"], ["name": "Grace"]], "title": "Admins"]
        let output = try render("{{#users}}{{name}} ({{title}}); {{/users}}", context)
        #expect(output == "Ada (Admins); Grace (Admins); ")
    }

    @Test func sectionOverObjectPushesItOnce() throws {
        let output = try render("{{#user}}{{name}} <{{email}}>{{/user}}", ["user": ["name": "Ada", "email": "a@x"]])
        #expect(output == "Ada <a@x>")
    }

    @Test(
        arguments: [
            (TemplateValue.bool(true), "yes:true"), (.bool(false), ""), (.null, ""), (.list([]), ""),
            (.string(""), ""), (.string("x"), "yes:x"), (.int(0), "yes:0"), (.double(0), "yes:0"),
            (.object([:]), "yes:"), (.html(TrustedHTML(unsafeRawHTML: "")), ""),
        ])
    func sectionTruthiness(_ value: TemplateValue, _ expected: String) throws {
        #expect(try render("{{#v}}yes:{{.}}{{/v}}", ["v": value]) == expected)
        let inverted = try render("{{^v}}no{{/v}}", ["v": value])
        #expect(inverted == (expected.isEmpty ? "no" : ""))
        #expect(value.isTruthy == !expected.isEmpty)
    }

    @Test func missingSectionIsFalsyAndInvertedRenders() throws {
        #expect(try render("{{#missing}}x{{/missing}}{{^missing}}empty{{/missing}}", [:]) == "empty")
    }

    @Test func invertedSectionShowsEmptyStateForEmptyList() throws {
        let source = "{{#users}}<li>{{name}}</li>{{/users}}{{^users}}<li>No users yet</li>{{/users}}"
        #expect(try render(source, ["users": []]) == "<li>No users yet</li>")
        #expect(try render(source, ["users": [["name": "Ada"]]]) == "<li>Ada</li>")
    }

    @Test func lookupWalksOutwardAndInnerNamesShadowOuterOnes() throws {
        let context: TemplateValue = [
            "name": "outer", "site": "Mandate",
            "team": ["name": "inner", "members": [["login": "ada"], ["login": "bob", "name": "Bob"]]],
        ]
        let source = "{{#team}}{{name}}:{{#members}} {{login}}/{{name}}@{{site}}{{/members}}{{/team}} {{name}}"
        #expect(try render(source, context) == "inner: ada/inner@Mandate bob/Bob@Mandate outer")
    }

    @Test func dottedNameDoesNotWalkOutwardAfterFirstPart() throws {
        // `user` is found in the inner context, so `user.email` must not fall back to the outer user.
        let context: TemplateValue = ["user": ["email": "outer@x"], "row": ["user": ["name": "Ada"]]]
        #expect(try render("{{#row}}[{{user.email}}]{{/row}}", context) == "[]")
    }

    @Test func nullInnerValueShadowsOuterValue() throws {
        // A key that exists with null still counts as found (Mustache: the first context with the key).
        let context: TemplateValue = ["note": "outer", "item": ["note": nil]]
        #expect(try render("{{#item}}[{{note}}]{{/item}}", context) == "[]")
    }

    @Test func commentsRenderNothing() throws {
        #expect(try render("a{{! a comment with {{ and\nnewlines }}b", [:]) == "ab")
        #expect(try render("<p>\n  {{! standalone comment }}\n</p>", [:]) == "<p>\n</p>")
    }

    @Test func standaloneSectionLinesKeepHTMLTidy() throws {
        let source = """
            <table>
              {{#rows}}
              <tr>
                <td>{{name}}</td>
                {{#admin}}
                <td>admin</td>
                {{/admin}}
              </tr>
              {{/rows}}
              {{^rows}}
              <tr><td>none</td></tr>
              {{/rows}}
            </table>
            """
        let output = try render(source, ["rows": [["name": "Ada", "admin": true], ["name": "Bob", "admin": false]]])
        let expected = """
            <table>
              <tr>
                <td>Ada</td>
                <td>admin</td>
              </tr>
              <tr>
                <td>Bob</td>
              </tr>
            </table>
            """
        #expect(output == expected)
    }

    @Test func tagsSharingALineAreNotStandalone() throws {
        #expect(try render("  {{#a}}{{/a}}\n", ["a": true]) == "  \n")
        #expect(try render("  {{#a}} x\n{{/a}}", ["a": true]) == "   x\n")
    }

    @Test func templateRendersRepeatedlyAndConcurrently() async throws {
        let template = try Template(source: "{{#items}}{{.}},{{/items}}", name: "list")
        let expected = (0..<50).map { "\($0)," }.joined()
        let context: TemplateValue = ["items": .list((0..<50).map { .int($0) })]
        let outputs = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { template.render(context) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs == Array(repeating: expected, count: 8))
    }

    @Test func rendersLargeDashboardTable() throws {
        let template = try Template(
            source: """
                <tbody>
                  {{#rows}}
                  <tr><td>{{id}}</td><td>{{user.name}}</td><td>{{user.email}}</td><td>{{#active}}yes{{/active}}{{^active}}no{{/active}}</td></tr>
                  {{/rows}}
                </tbody>
                """,
            name: "pages/users")
        let rows: [TemplateValue] = (0..<1_000).map { index in
            [
                "id": .int(index), "active": .bool(index % 2 == 0),
                "user": ["name": "User <\(index)>", "email": "u\(index)@example.com"],
            ]
        }
        let output = template.render(["rows": .list(rows)])
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1_002)
        #expect(lines[1] == "  <tr><td>0</td><td>User &lt;0&gt;</td><td>u0@example.com</td><td>yes</td></tr>")
        #expect(lines[1_000] == "  <tr><td>999</td><td>User &lt;999&gt;</td><td>u999@example.com</td><td>no</td></tr>")
    }
}
