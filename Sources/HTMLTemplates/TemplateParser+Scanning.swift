/// What a scanned tag does; decided by the sigil right after `{{`.
enum ScannedTagKind: Equatable {
    case variable
    case rawVariable
    case section
    case invertedSection
    case closing
    case comment
    case partial

    /// Tags that the Mustache spec removes together with their line when they stand alone on it.
    /// Interpolations never do: their line is content.
    var canStandAlone: Bool {
        switch self {
        case .section, .invertedSection, .closing, .comment, .partial: true
        case .variable, .rawVariable: false
        }
    }
}

/// A tag found by the scanner, with the byte range it covers in the source (from `{{` to `}}`).
struct ScannedTag {
    let kind: ScannedTagKind
    /// The trimmed name (empty for comments).
    let name: String
    let start: Int
    let end: Int
}

extension TemplateParser {
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    /// Splits the source into alternating text ranges and tags: `texts[i]` comes before `tags[i]`, and
    /// there is always one more text range than tags (some may be empty).
    func scan() throws(TemplateError) -> (texts: [Range<Int>], tags: [ScannedTag]) {
        var texts: [Range<Int>] = []
        var tags: [ScannedTag] = []
        var position = 0
        while let open = find(Self.openBrace, Self.openBrace, from: position) {
            texts.append(position..<open)
            let tag = try scanTag(at: open)
            tags.append(tag)
            position = tag.end
        }
        texts.append(position..<bytes.count)
        return (texts, tags)
    }

    /// Reads the tag whose `{{` starts at `open`.
    private func scanTag(at open: Int) throws(TemplateError) -> ScannedTag {
        let contentStart = open + 2
        if contentStart < bytes.count, bytes[contentStart] == Self.openBrace {
            return try scanTripleMustache(at: open)
        }
        guard let close = find(Self.closeBrace, Self.closeBrace, from: contentStart) else {
            throw error(.unclosedTag, "tag '\(snippet(from: open))' opened here is never closed with '}}'", at: open)
        }
        let end = close + 2
        let sigil = contentStart < close ? bytes[contentStart] : nil
        // Comments may contain anything, including `{{` and newlines, up to the first `}}`.
        if sigil == UInt8(ascii: "!") {
            return ScannedTag(kind: .comment, name: "", start: open, end: end)
        }
        if find(Self.openBrace, Self.openBrace, from: contentStart, before: close) != nil {
            throw error(
                .unclosedTag, "tag '\(snippet(from: open))' opened here is not closed with '}}' before the next '{{'",
                at: open)
        }
        let kind: ScannedTagKind
        switch sigil {
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .invertedSection
        case UInt8(ascii: "/"): kind = .closing
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "&"): kind = .rawVariable
        case UInt8(ascii: "="):
            throw error(
                .unsupportedTag, "set-delimiter tags ('{{=...=}}') are not supported; keep the default '{{ }}'",
                at: open)
        case UInt8(ascii: "<"), UInt8(ascii: "$"):
            throw error(
                .unsupportedTag,
                "template inheritance ('{{<parent}}', '{{$block}}') is not supported; use partials ('{{> name}}')",
                at: open)
        default: kind = .variable
        }
        let nameStart = kind == .variable ? contentStart : contentStart + 1
        let name = trimmedText(nameStart..<close)
        if kind == .partial {
            try validatePartialName(name, tagStart: open)
        } else {
            try validateName(name, tagStart: open)
        }
        return ScannedTag(kind: kind, name: name, start: open, end: end)
    }

    /// Reads `{{{name}}}`, which must end with three braces.
    private func scanTripleMustache(at open: Int) throws(TemplateError) -> ScannedTag {
        let contentStart = open + 3
        let close = find(Self.closeBrace, Self.closeBrace, Self.closeBrace, from: contentStart)
        guard let close,
            find(Self.openBrace, Self.openBrace, from: contentStart, before: close) == nil,
            find(Self.closeBrace, Self.closeBrace, from: contentStart, before: close) == nil
        else {
            throw error(.unclosedTag, "'{{{' opened here is not closed with '}}}'", at: open)
        }
        let name = trimmedText(contentStart..<close)
        try validateName(name, tagStart: open)
        return ScannedTag(kind: .rawVariable, name: name, start: open, end: close + 3)
    }

    /// Variable and section names: `name`, `user.name` or `.`.
    private func validateName(_ name: String, tagStart: Int) throws(TemplateError) {
        if name.isEmpty {
            throw error(.unsupportedTag, "tag '\(snippet(from: tagStart))' has no name", at: tagStart)
        }
        if name.utf8.contains(where: { Self.isWhitespace($0) || $0 == Self.openBrace || $0 == Self.closeBrace }) {
            throw error(
                .unsupportedTag, "invalid name '\(name)': names cannot contain spaces or braces", at: tagStart)
        }
        if let first = name.utf8.first, "#^/!>&=<$".utf8.contains(first) {
            throw error(
                .unsupportedTag,
                "invalid name '\(name)': put '\(Character(Unicode.Scalar(first)))' directly after '{{'", at: tagStart)
        }
        if TemplateKeyPath(name) == nil {
            throw error(
                .unsupportedTag, "invalid dotted name '\(name)': every part between dots needs a name",
                at: tagStart)
        }
    }

    /// Partial names are library paths such as `partials/banner`; only `*` (dynamic names) is refused.
    private func validatePartialName(_ name: String, tagStart: Int) throws(TemplateError) {
        if name.isEmpty {
            throw error(.unsupportedTag, "partial tag '\(snippet(from: tagStart))' has no name", at: tagStart)
        }
        if name.hasPrefix("*") {
            throw error(.unsupportedTag, "dynamic partial names ('{{>*name}}') are not supported", at: tagStart)
        }
        if name.utf8.contains(where: Self.isWhitespace) {
            throw error(.unsupportedTag, "invalid partial name '\(name)': names cannot contain spaces", at: tagStart)
        }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    /// The text in `range` without surrounding whitespace.
    private func trimmedText(_ range: Range<Int>) -> String {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, Self.isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, Self.isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// Up to 40 bytes of source starting at `start`, cut at the end of the line, for error messages.
    func snippet(from start: Int) -> String {
        var end = start
        while end < bytes.count, end - start < 40, bytes[end] != UInt8(ascii: "\n") {
            end += 1
        }
        if let close = find(Self.closeBrace, Self.closeBrace, from: start, before: end) {
            end = min(close + 2, end)
            if end < bytes.count, bytes[end] == Self.closeBrace { end += 1 }
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The offset of the first occurrence of `first second` at or after `start` (and ending at or before
    /// `limit`), or `nil`.
    private func find(_ first: UInt8, _ second: UInt8, from start: Int, before limit: Int? = nil) -> Int? {
        let limit = min(limit ?? bytes.count, bytes.count)
        var index = start
        while index + 1 < limit {
            if bytes[index] == first, bytes[index + 1] == second {
                return index
            }
            index += 1
        }
        return nil
    }

    private func find(_ first: UInt8, _ second: UInt8, _ third: UInt8, from start: Int) -> Int? {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == first, bytes[index + 1] == second, bytes[index + 2] == third {
                return index
            }
            index += 1
        }
        return nil
    }
}
