import HTMLTemplates
import Testing

@Suite("HTML escaping")
struct EscapingTests {
    private func render(_ source: String, _ context: TemplateValue, escaping: TemplateEscaping = .html) throws
        -> String
    {
        try Template(source: source, name: "test", escaping: escaping).render(context)
    }

    @Test func escapesEverySpecialCharacter() throws {
        let output = try render("{{x}}", ["x": "& < > \" ' ` ="])
        #expect(output == "&amp; &lt; &gt; &quot; &#39; &#96; &#61;")
    }

    @Test func escapesOutsideTemplatesTheSameWay() throws {
        let text = "& < > \" ' ` = café 🔐"
        #expect(HTMLEscaper.escape(text) == (try render("{{x}}", ["x": .string(text)])))
        #expect(HTMLEscaper.escape("plain") == "plain")
    }

    @Test func escapesScriptInjection() throws {
        let output = try render("<td>{{name}}</td>", ["name": "<script>alert(1)</script>"])
        #expect(output == "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
    }

    @Test func escapesAttributeBreakout() throws {
        let output = try render("<a title=\"{{title}}\">", ["title": "\" onmouseover=\"x"])
        #expect(output == "<a title=\"&quot; onmouseover&#61;&quot;x\">")
        let singleQuoted = try render("<a title='{{title}}'>", ["title": "' onmouseover='x"])
        #expect(singleQuoted == "<a title='&#39; onmouseover&#61;&#39;x'>")
    }

    @Test(arguments: ["{{{x}}}", "{{&x}}", "{{& x}}", "{{{ x }}}"])
    func rawTagStillEscapesPlainStrings(_ source: String) throws {
        #expect(try render(source, ["x": "<script>alert(1)</script>"]) == "&lt;script&gt;alert(1)&lt;/script&gt;")
    }

    @Test(arguments: ["{{{chart}}}", "{{&chart}}"])
    func rawTagWritesTrustedHTMLUnescaped(_ source: String) throws {
        let chart = TrustedHTML(unsafeRawHTML: "<svg width=\"10\"><rect x='1'/></svg>")
        #expect(try render(source, ["chart": .html(chart)]) == "<svg width=\"10\"><rect x='1'/></svg>")
    }

    @Test func plainTagEscapesTrustedHTML() throws {
        let output = try render("{{chart}}", ["chart": .html(TrustedHTML(unsafeRawHTML: "<b>"))])
        #expect(output == "&lt;b&gt;")
    }

    @Test func keepsMultibyteTextIntact() throws {
        let text = "Ünïcødé 😀 & e\u{301} <ß> \u{1F1E9}\u{1F1EA}"
        #expect(try render("{{x}}", ["x": .string(text)]) == "Ünïcødé 😀 &amp; e\u{301} &lt;ß&gt; \u{1F1E9}\u{1F1EA}")
        // A combining mark after a special character forms one Character with it; the escaper must
        // still replace exactly the ASCII byte and keep the mark.
        let combined = try render("{{x}}", ["x": "&\u{301}<\u{308}"])
        #expect(Array(combined.unicodeScalars) == Array("&amp;\u{301}&lt;\u{308}".unicodeScalars))
    }

    @Test func matchesReferenceEscaperOnGeneratedStrings() throws {
        let alphabet: [String] = ["a", "Z", "0", " ", "&", "<", ">", "\"", "'", "`", "=", "é", "😀", "\n", "\u{301}"]
        var generator = SplitMix64(seed: 42)
        let template = try Template(source: "[{{x}}]", name: "fuzz")
        for _ in 0..<500 {
            let length = Int(generator.next() % 40)
            let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            let expected = "[" + referenceEscape(text) + "]"
            #expect(Array(template.render(["x": .string(text)]).unicodeScalars) == Array(expected.unicodeScalars))
        }
    }

    @Test func textModeWritesValuesAsTheyAre() throws {
        let source = "Hi {{name}}, your code is {{code}}. {{{name}}} {{& name}}"
        let output = try render(source, ["name": "Tom & \"Jerry\" <3", "code": 123_456], escaping: .none)
        #expect(output == "Hi Tom & \"Jerry\" <3, your code is 123456. Tom & \"Jerry\" <3 Tom & \"Jerry\" <3")
        let trusted = try render("{{x}}", ["x": .html(TrustedHTML(unsafeRawHTML: "<b>"))], escaping: .none)
        #expect(trusted == "<b>")
    }

    @Test func scalarsAreWrittenAndContainersAreNot() throws {
        let output = try render(
            "{{i}}|{{d}}|{{w}}|{{t}}|{{f}}|{{n}}|{{l}}|{{o}}",
            ["i": -42, "d": 2.5, "w": 3.0, "t": true, "f": false, "n": nil, "l": [1, 2], "o": ["a": 1]])
        #expect(output == "-42|2.5|3|true|false|||")
    }

    /// Straightforward character-by-character escaping to compare the fast path against.
    private func referenceEscape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "`": output += "&#96;"
            case "=": output += "&#61;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

/// A small deterministic random number generator, so generated test input is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
