/// Walks a parsed template and writes the output into one growing byte buffer.
///
/// The output is collected as UTF-8 bytes and turned into a `String` once at the end: appending to a
/// byte array is a plain copy, while every `String.append` re-checks capacity, uniqueness and ASCII
/// flags, which made up most of the rendering time of a large table. The bytes are valid UTF-8 by
/// construction, because they are whole strings or pieces of strings cut at ASCII characters.
///
/// Rendering cannot fail: a missing value renders as nothing, a missing partial renders as nothing
/// (libraries reject those at load time), and partials nested deeper than
/// ``Template/maximumPartialDepth`` render as nothing, which stops a partial that includes itself.
struct TemplateRenderer {
    /// Where `{{> name}}` partials come from; `nil` renders every partial as nothing.
    let library: TemplateLibrary?
    /// The escaping of the template `render` was called on; partials inherit it.
    let escaping: TemplateEscaping
    var output: [UInt8]
    /// The Mustache context stack: the root value first, the innermost section value last.
    private var stack: [TemplateValue]
    private var partialDepth = 0
    /// Whitespace put in front of each line of the standalone partial being rendered.
    private var indentation = ""
    /// Whether the next content starts a line of the partial (and so needs `indentation` first).
    private var isAtLineStart = true

    init(context: TemplateValue, library: TemplateLibrary?, escaping: TemplateEscaping, capacity: Int) {
        self.library = library
        self.escaping = escaping
        self.stack = [context]
        self.output = []
        self.output.reserveCapacity(capacity)
    }

    mutating func render(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node {
            case .text(let text):
                if indentation.isEmpty {
                    output.append(contentsOf: text.utf8)
                } else {
                    appendIndentedText(text)
                }
            case .variable(let path, let isRaw):
                if let value = lookUp(path) {
                    append(value, isRaw: isRaw)
                }
            case .section(let path, let children, let isInverted):
                renderSection(lookUp(path), children: children, isInverted: isInverted)
            case .partial(let name, let partialIndentation):
                renderPartial(named: name, indentation: partialIndentation)
            }
        }
    }

    /// Resolves a name the way the Mustache spec describes: the first part is searched from the
    /// innermost context outward, and the remaining parts must then exist inside that value (no further
    /// outward search, so `{{a.b}}` never picks up an unrelated outer `b`).
    func lookUp(_ path: TemplateKeyPath) -> TemplateValue? {
        guard let first = path.components.first else { return stack.last }
        var found: TemplateValue?
        var level = stack.count - 1
        while level >= 0 {
            if case .object(let members) = stack[level], let member = members[first] {
                found = member
                break
            }
            level -= 1
        }
        guard var current = found else { return nil }
        for key in path.components.dropFirst() {
            guard case .object(let members) = current, let member = members[key] else { return nil }
            current = member
        }
        return current
    }

    /// Writes an interpolated value. In HTML output only ``TrustedHTML`` in a raw tag skips escaping:
    /// a plain string in `{{{name}}}` is still escaped, so a typo in a template cannot open an XSS hole.
    private mutating func append(_ value: TemplateValue, isRaw: Bool) {
        switch value {
        case .string(let text):
            append(text, escaped: escaping == .html)
        case .html(let markup):
            append(markup.rawHTML, escaped: escaping == .html && !isRaw)
        case .bool, .int, .double:
            // Digits, signs, dots, `e`, `true`, `false`, `nan` and `inf` need no escaping.
            append(value.interpolatedText, escaped: false)
        case .list, .object, .null:
            break
        }
    }

    private mutating func append(_ text: String, escaped: Bool) {
        guard !text.isEmpty else { return }
        if isAtLineStart, !indentation.isEmpty {
            output.append(contentsOf: indentation.utf8)
        }
        isAtLineStart = false
        if escaped {
            HTMLEscaper.append(escaping: text, to: &output)
        } else {
            output.append(contentsOf: text.utf8)
        }
    }

    /// Lists render the section once per item, other truthy values once with the value pushed onto the
    /// context stack; an inverted section renders once when the value is missing or falsy.
    private mutating func renderSection(_ value: TemplateValue?, children: [TemplateNode], isInverted: Bool) {
        let isTruthy = value?.isTruthy ?? false
        if isInverted {
            if !isTruthy {
                render(children)
            }
            return
        }
        guard isTruthy, let value else { return }
        if case .list(let items) = value {
            for item in items {
                stack.append(item)
                render(children)
                stack.removeLast()
            }
        } else {
            stack.append(value)
            render(children)
            stack.removeLast()
        }
    }

    private mutating func renderPartial(named name: String, indentation partialIndentation: String?) {
        guard partialDepth < Template.maximumPartialDepth,
            let partial = library?.partialTemplate(named: name, preferring: escaping)
        else { return }
        let outerIndentation = indentation
        if let partialIndentation {
            // A standalone partial starts a line; nested standalone partials add up their indentation.
            indentation = outerIndentation + partialIndentation
            isAtLineStart = true
        } else {
            // An inline partial sits in the middle of a line, so its own lines are not indented.
            if isAtLineStart, !indentation.isEmpty {
                output.append(contentsOf: indentation.utf8)
            }
            isAtLineStart = false
            indentation = ""
        }
        partialDepth += 1
        render(partial.nodes)
        partialDepth -= 1
        indentation = outerIndentation
    }

    /// Writes template text, putting the partial's indentation before every non-empty line.
    private mutating func appendIndentedText(_ text: String) {
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        while lineStart != utf8.endIndex {
            let newline = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
            let lineEnd = newline.map { utf8.index(after: $0) } ?? utf8.endIndex
            // Blank lines stay blank rather than gaining trailing whitespace.
            if isAtLineStart, lineStart != newline {
                output.append(contentsOf: indentation.utf8)
            }
            output.append(contentsOf: utf8[lineStart..<lineEnd])
            isAtLineStart = newline != nil
            lineStart = lineEnd
        }
    }
}
