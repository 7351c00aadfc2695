extension QRCode {
    /// The symbol as a standalone SVG document, ready to embed inline in HTML or in a JSON string.
    ///
    /// The document has no XML declaration and no line breaks. It holds a white background and a single black
    /// path in which every horizontal run of dark modules is one rectangle; the view box counts in modules, so the
    /// image scales cleanly, and `width`/`height` give its natural size in pixels.
    ///
    /// - Parameters:
    ///   - moduleSize: pixels per module in the `width` and `height` attributes (at least 1).
    ///   - quietZone: light modules around the symbol; the standard asks for 4 (at least 0).
    ///   - title: an accessible name, written as a `<title>` element with XML special characters escaped.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String? = nil) -> String {
        let quiet = max(quietZone, 0)
        let side = size + 2 * quiet
        let pixels = side * max(moduleSize, 1)

        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var end = x + 1
                while end < size && isDark(x: end, y: y) { end += 1 }
                let width = end - x
                path += "M\(x + quiet) \(y + quiet)h\(width)v1h-\(width)z"
                x = end
            }
        }

        var document =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(pixels)\" "
            + "height=\"\(pixels)\" role=\"img\" shape-rendering=\"crispEdges\">"
        if let title {
            document += "<title>\(Self.xmlEscaped(title))</title>"
        }
        document += "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
        document += "<path fill=\"#000\" d=\"\(path)\"/>"
        document += "</svg>"
        return document
    }

    /// `text` with &, <, >, " and ' replaced by entities, tabs and line breaks by character references (so the
    /// document stays on one line), and the characters XML 1.0 forbids left out.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result += "&#\(scalar.value);"
            default:
                // XML 1.0 Char: no other C0 controls, no U+FFFE or U+FFFF (surrogates cannot occur in a String).
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
