import HTMLTemplates
import Testing

/// `specs/interpolation.yml`. The triple-mustache and ampersand cases expect unescaped output, which this
/// engine only produces for `TrustedHTML`; they run with trusted values here, and the plain-string
/// versions are checked in `EscapingTests` (and in text mode below).
@Suite("Mustache spec: interpolation")
struct MustacheSpecInterpolationTests {
    static let cases: [SpecCase] = [
        SpecCase(
            name: "No Interpolation", data: [:], template: "Hello from {Mustache}!\n",
            expected: "Hello from {Mustache}!\n"),
        SpecCase(
            name: "Basic Interpolation", data: ["subject": "world"], template: "Hello, {{subject}}!\n",
            expected: "Hello, world!\n"),
        SpecCase(
            name: "No Re-interpolation", data: ["template": "{{planet}}", "planet": "Earth"],
            template: "{{template}}: {{planet}}", expected: "{{planet}}: Earth"),
        SpecCase(
            name: "HTML Escaping", data: ["forbidden": "& \" < >"],
            template: "These characters should be HTML escaped: {{forbidden}}\n",
            expected: "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n"),
        SpecCase(
            name: "Triple Mustache (trusted value)", data: ["forbidden": .html(TrustedHTML(unsafeRawHTML: "& \" < >"))],
            template: "These characters should not be HTML escaped: {{{forbidden}}}\n",
            expected: "These characters should not be HTML escaped: & \" < >\n"),
        SpecCase(
            name: "Ampersand (trusted value)", data: ["forbidden": .html(TrustedHTML(unsafeRawHTML: "& \" < >"))],
            template: "These characters should not be HTML escaped: {{&forbidden}}\n",
            expected: "These characters should not be HTML escaped: & \" < >\n"),
        SpecCase(
            name: "Basic Integer Interpolation", data: ["mph": 85], template: "\"{{mph}} miles an hour!\"",
            expected: "\"85 miles an hour!\""),
        SpecCase(
            name: "Triple Mustache Integer Interpolation", data: ["mph": 85],
            template: "\"{{{mph}}} miles an hour!\"", expected: "\"85 miles an hour!\""),
        SpecCase(
            name: "Ampersand Integer Interpolation", data: ["mph": 85], template: "\"{{&mph}} miles an hour!\"",
            expected: "\"85 miles an hour!\""),
        SpecCase(
            name: "Basic Decimal Interpolation", data: ["power": 1.210], template: "\"{{power}} jiggawatts!\"",
            expected: "\"1.21 jiggawatts!\""),
        SpecCase(
            name: "Triple Mustache Decimal Interpolation", data: ["power": 1.210],
            template: "\"{{{power}}} jiggawatts!\"", expected: "\"1.21 jiggawatts!\""),
        SpecCase(
            name: "Basic Null Interpolation", data: ["cannot": nil], template: "I ({{cannot}}) be seen!",
            expected: "I () be seen!"),
        SpecCase(
            name: "Triple Mustache Null Interpolation", data: ["cannot": nil], template: "I ({{{cannot}}}) be seen!",
            expected: "I () be seen!"),
        SpecCase(
            name: "Context Misses", data: [:], template: "I ({{cannot}}) be seen!", expected: "I () be seen!"),
        SpecCase(
            name: "Ampersand Context Miss Interpolation", data: [:], template: "I ({{&cannot}}) be seen!",
            expected: "I () be seen!"),
        SpecCase(
            name: "Dotted Names - Basic Interpolation", data: ["person": ["name": "Joe"]],
            template: "\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"", expected: "\"Joe\" == \"Joe\""),
        SpecCase(
            name: "Dotted Names - Triple Mustache Interpolation", data: ["person": ["name": "Joe"]],
            template: "\"{{{person.name}}}\" == \"{{#person}}{{{name}}}{{/person}}\"",
            expected: "\"Joe\" == \"Joe\""),
        SpecCase(
            name: "Dotted Names - Arbitrary Depth", data: ["a": ["b": ["c": ["d": ["e": ["name": "Phil"]]]]]],
            template: "\"{{a.b.c.d.e.name}}\" == \"Phil\"", expected: "\"Phil\" == \"Phil\""),
        SpecCase(
            name: "Dotted Names - Broken Chains", data: ["a": [:]], template: "\"{{a.b.c}}\" == \"\"",
            expected: "\"\" == \"\""),
        SpecCase(
            name: "Dotted Names - Broken Chain Resolution", data: ["a": ["b": [:]], "c": ["name": "Jim"]],
            template: "\"{{a.b.c.name}}\" == \"\"", expected: "\"\" == \"\""),
        SpecCase(
            name: "Dotted Names - Initial Resolution",
            data: [
                "a": ["b": ["c": ["d": ["e": ["name": "Phil"]]]]],
                "b": ["c": ["d": ["e": ["name": "Wrong"]]]],
            ],
            template: "\"{{#a}}{{b.c.d.e.name}}{{/a}}\" == \"Phil\"", expected: "\"Phil\" == \"Phil\""),
        SpecCase(
            name: "Dotted Names - Context Precedence", data: ["a": ["b": [:]], "b": ["c": "ERROR"]],
            template: "{{#a}}{{b.c}}{{/a}}", expected: ""),
        SpecCase(
            name: "Implicit Iterators - Basic Interpolation", data: "world", template: "Hello, {{.}}!\n",
            expected: "Hello, world!\n"),
        SpecCase(
            name: "Implicit Iterators - HTML Escaping", data: "& \" < >",
            template: "These characters should be HTML escaped: {{.}}\n",
            expected: "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n"),
        SpecCase(
            name: "Implicit Iterators - Basic Integer Interpolation", data: 85, template: "\"{{.}} miles an hour!\"",
            expected: "\"85 miles an hour!\""),
        SpecCase(
            name: "Interpolation - Surrounding Whitespace", data: ["string": "---"], template: "| {{string}} |",
            expected: "| --- |"),
        SpecCase(
            name: "Triple Mustache - Surrounding Whitespace", data: ["string": "---"], template: "| {{{string}}} |",
            expected: "| --- |"),
        SpecCase(
            name: "Interpolation - Standalone", data: ["string": "---"], template: "  {{string}}\n",
            expected: "  ---\n"),
        SpecCase(
            name: "Ampersand - Standalone", data: ["string": "---"], template: "  {{&string}}\n",
            expected: "  ---\n"),
        SpecCase(
            name: "Interpolation With Padding", data: ["string": "---"], template: "|{{ string }}|",
            expected: "|---|"),
        SpecCase(
            name: "Triple Mustache With Padding", data: ["string": "---"], template: "|{{{ string }}}|",
            expected: "|---|"),
        SpecCase(
            name: "Ampersand With Padding", data: ["string": "---"], template: "|{{& string }}|",
            expected: "|---|"),
    ]

    @Test(arguments: cases)
    func conforms(_ specCase: SpecCase) throws {
        #expect(try specCase.render() == specCase.expected)
    }

    /// In text mode nothing is escaped, so the spec's raw-tag cases hold with plain strings too.
    @Test func rawTagsWithPlainStringsInTextMode() throws {
        let data: TemplateValue = ["forbidden": "& \" < >"]
        for source in ["{{{forbidden}}}", "{{&forbidden}}", "{{forbidden}}"] {
            let template = try Template(source: source, name: "sms", escaping: .none)
            #expect(template.render(data) == "& \" < >")
        }
    }
}
