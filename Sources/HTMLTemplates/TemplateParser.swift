/// Turns template source into a tree of ``TemplateNode`` in three steps: scan tags, apply the Mustache
/// standalone-line rule, then nest sections. Every error points at the `{{` of the offending tag.
struct TemplateParser {
    /// The source as UTF-8; tags are ASCII, so the parser works on bytes and never splits a character.
    let bytes: [UInt8]
    let templateName: String
    let fileName: String?

    init(source: String, templateName: String, fileName: String?) {
        self.bytes = Array(source.utf8)
        self.templateName = templateName
        self.fileName = fileName
    }

    /// An open section while nesting: its opening tag and the nodes collected so far.
    private struct OpenSection {
        let tag: ScannedTag
        var children: [TemplateNode] = []
    }

    /// Parses the whole source.
    func parse() throws(TemplateError) -> (nodes: [TemplateNode], partials: [PartialReference]) {
        var (texts, tags) = try scan()
        var partialIndentation: [Int: String] = [:]
        for index in tags.indices where tags[index].kind.canStandAlone {
            guard let line = standaloneLine(of: tags[index]) else { continue }
            // The spec removes the whole line: leading whitespace, the tag, trailing whitespace and the
            // line break. The whitespace lives in the neighbouring text ranges, which we shorten.
            let before = texts[index]
            texts[index] = before.lowerBound..<max(before.lowerBound, line.lowerBound)
            let after = texts[index + 1]
            texts[index + 1] = min(line.upperBound, after.upperBound)..<after.upperBound
            if tags[index].kind == .partial {
                partialIndentation[index] = String(decoding: bytes[line.lowerBound..<tags[index].start], as: UTF8.self)
            }
        }

        var stack = [OpenSection(tag: ScannedTag(kind: .section, name: "", start: 0, end: 0))]
        var partials: [PartialReference] = []
        for (index, tag) in tags.enumerated() {
            appendText(texts[index], to: &stack[stack.count - 1].children)
            switch tag.kind {
            case .comment:
                break
            case .variable, .rawVariable:
                // The scanner validated the name, so the key path always exists.
                guard let path = TemplateKeyPath(tag.name) else { continue }
                stack[stack.count - 1].children.append(.variable(path, isRaw: tag.kind == .rawVariable))
            case .partial:
                let (line, column) = location(of: tag.start)
                partials.append(PartialReference(name: tag.name, line: line, column: column))
                stack[stack.count - 1].children.append(.partial(name: tag.name, indentation: partialIndentation[index]))
            case .section, .invertedSection:
                stack.append(OpenSection(tag: tag))
            case .closing:
                try closeSection(tag, stack: &stack)
            }
        }
        appendText(texts[tags.count], to: &stack[stack.count - 1].children)
        if stack.count > 1, let unclosed = stack.last?.tag {
            let sigil = unclosed.kind == .section ? "#" : "^"
            throw error(
                .unclosedSection,
                "section '\(unclosed.name)' opened here is never closed (add '{{/\(unclosed.name)}}' after '{{\(sigil)\(unclosed.name)}}')",
                at: unclosed.start)
        }
        return (stack[0].children, partials)
    }

    /// Pops the innermost section for a `{{/name}}` tag and attaches it to its parent.
    private func closeSection(_ tag: ScannedTag, stack: inout [OpenSection]) throws(TemplateError) {
        guard stack.count > 1, let open = stack.last else {
            throw error(
                .mismatchedSection, "closing tag '{{/\(tag.name)}}' has no matching '{{#\(tag.name)}}' before it",
                at: tag.start)
        }
        guard open.tag.name == tag.name else {
            let (line, column) = location(of: open.tag.start)
            throw error(
                .mismatchedSection,
                "closing tag '{{/\(tag.name)}}' does not match section '\(open.tag.name)' opened at \(line):\(column)",
                at: tag.start)
        }
        stack.removeLast()
        guard let path = TemplateKeyPath(open.tag.name) else { return }
        stack[stack.count - 1].children.append(
            .section(path, children: open.children, isInverted: open.tag.kind == .invertedSection))
    }

    /// Appends literal text, merging it with a preceding text node (comments split text in two).
    private func appendText(_ range: Range<Int>, to nodes: inout [TemplateNode]) {
        guard !range.isEmpty else { return }
        let text = String(decoding: bytes[range], as: UTF8.self)
        if case .text(let previous) = nodes.last {
            nodes[nodes.count - 1] = .text(previous + text)
        } else {
            nodes.append(.text(text))
        }
    }

    /// If `tag` stands alone on its line, the byte range of that line (from its first byte to just past
    /// its line break, or to the end of the source); otherwise `nil`.
    ///
    /// Per the Mustache spec a tag is standalone when only spaces and tabs surround it on its line; a
    /// line break is `\n` or `\r\n`. A multi-line comment counts as one line.
    private func standaloneLine(of tag: ScannedTag) -> Range<Int>? {
        var lineStart = tag.start
        while lineStart > 0, Self.isBlank(bytes[lineStart - 1]) {
            lineStart -= 1
        }
        if lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") {
            return nil
        }
        var lineEnd = tag.end
        while lineEnd < bytes.count, Self.isBlank(bytes[lineEnd]) {
            lineEnd += 1
        }
        if lineEnd == bytes.count {
            return lineStart..<lineEnd
        }
        if bytes[lineEnd] == UInt8(ascii: "\n") {
            return lineStart..<(lineEnd + 1)
        }
        if bytes[lineEnd] == UInt8(ascii: "\r"), lineEnd + 1 < bytes.count, bytes[lineEnd + 1] == UInt8(ascii: "\n") {
            return lineStart..<(lineEnd + 2)
        }
        return nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// 1-based line and column (counted in characters) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let prefix = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self)
        return (line, prefix.count + 1)
    }

    /// An error located at the tag starting at `offset`.
    func error(_ reason: TemplateError.Reason, _ message: String, at offset: Int) -> TemplateError {
        let (line, column) = location(of: offset)
        return TemplateError(
            reason: reason, message: message, templateName: templateName, fileName: fileName, line: line,
            column: column)
    }
}
