import HTMLTemplates
import Testing

/// `specs/comments.yml` and `specs/partials.yml`.
@Suite("Mustache spec: comments and partials")
struct MustacheSpecCommentsAndPartialsTests {
    static let commentCases: [SpecCase] = [
        SpecCase(
            name: "Inline", data: [:], template: "12345{{! Comment Block! }}67890", expected: "1234567890"),
        SpecCase(
            name: "Multiline", data: [:], template: "12345{{!\n  This is a\n  multi-line comment...\n}}67890\n",
            expected: "1234567890\n"),
        SpecCase(
            name: "Standalone", data: [:], template: "Begin.\n{{! Comment Block! }}\nEnd.\n",
            expected: "Begin.\nEnd.\n"),
        SpecCase(
            name: "Indented Standalone", data: [:], template: "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n",
            expected: "Begin.\nEnd.\n"),
        SpecCase(
            name: "Standalone Line Endings", data: [:], template: "|\r\n{{! Standalone Comment }}\r\n|",
            expected: "|\r\n|"),
        SpecCase(
            name: "Standalone Without Previous Line", data: [:], template: "  {{! I'm Still Standalone }}\n!",
            expected: "!"),
        SpecCase(
            name: "Standalone Without Newline", data: [:], template: "!\n  {{! I'm Still Standalone }}",
            expected: "!\n"),
        SpecCase(
            name: "Multiline Standalone", data: [:], template: "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n",
            expected: "Begin.\nEnd.\n"),
        SpecCase(
            name: "Indented Multiline Standalone", data: [:],
            template: "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n", expected: "Begin.\nEnd.\n"),
        SpecCase(name: "Indented Inline", data: [:], template: "  12 {{! 34 }}\n", expected: "  12 \n"),
        SpecCase(
            name: "Surrounding Whitespace", data: [:], template: "12345 {{! Comment Block! }} 67890",
            expected: "12345  67890"),
        SpecCase(
            name: "Variable Name Collision", data: ["! comment": 1, "! comment ": 2, "!comment": 3, "comment": 4],
            template: "comments never show: >{{! comment }}<", expected: "comments never show: ><"),
    ]

    static let partialCases: [SpecCase] = [
        SpecCase(
            name: "Basic Behavior", data: [:], template: "\"{{>text}}\"", partials: ["text": "from partial"],
            expected: "\"from partial\""),
        SpecCase(name: "Failed Lookup", data: [:], template: "\"{{>text}}\"", expected: "\"\""),
        SpecCase(
            name: "Context", data: ["text": "content"], template: "\"{{>partial}}\"",
            partials: ["partial": "*{{text}}*"],
            expected: "\"*content*\""),
        SpecCase(
            name: "Recursion", data: ["content": "X", "nodes": [["content": "Y", "nodes": []]]],
            template: "{{>node}}", partials: ["node": "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>"],
            expected: "X<Y<>>"),
        SpecCase(
            name: "Nested", data: ["a": "hello", "b": "world"], template: "{{>outer}}",
            partials: ["outer": "*{{a}} {{>inner}}*", "inner": "{{b}}!"], expected: "*hello world!*"),
        SpecCase(
            name: "Surrounding Whitespace", data: [:], template: "| {{>partial}} |", partials: ["partial": "\t|\t"],
            expected: "| \t|\t |"),
        SpecCase(
            name: "Inline Indentation", data: ["data": "|"], template: "  {{data}}  {{> partial}}\n",
            partials: ["partial": ">\n>"], expected: "  |  >\n>\n"),
        SpecCase(
            name: "Standalone Line Endings", data: [:], template: "|\r\n{{>partial}}\r\n|", partials: ["partial": ">"],
            expected: "|\r\n>|"),
        SpecCase(
            name: "Standalone Without Previous Line", data: [:], template: "  {{>partial}}\n>",
            partials: ["partial": ">\n>"], expected: "  >\n  >>"),
        SpecCase(
            name: "Standalone Without Newline", data: [:], template: ">\n  {{>partial}}",
            partials: ["partial": ">\n>"], expected: ">\n  >\n  >"),
        SpecCase(
            name: "Standalone Indentation (trusted value)",
            data: ["content": .html(TrustedHTML(unsafeRawHTML: "<\n->"))],
            template: "\\\n {{>partial}}\n/\n", partials: ["partial": "|\n{{{content}}}\n|\n"],
            expected: "\\\n |\n <\n->\n |\n/\n"),
        SpecCase(
            name: "Padding Whitespace", data: ["boolean": true], template: "|{{> partial }}|",
            partials: ["partial": "[]"], expected: "|[]|"),
    ]

    @Test(arguments: commentCases)
    func commentsConform(_ specCase: SpecCase) throws {
        #expect(try specCase.render() == specCase.expected)
    }

    @Test(arguments: partialCases)
    func partialsConform(_ specCase: SpecCase) throws {
        #expect(try specCase.render() == specCase.expected)
    }
}
