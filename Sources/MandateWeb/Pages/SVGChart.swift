import Foundation
import HTMLTemplates

/// Small charts drawn on the server as inline SVG, for pages that must work without JavaScript and
/// under a CSP without inline styles.
///
/// Only numbers and escaped labels reach the markup, so the result can be vouched for as
/// ``TrustedHTML``. Each chart is an image to assistive technology (`role="img"` named by its
/// `<title>` and `<desc>`); pages show the same numbers in a table next to it. Colours come from
/// CSS classes (`chart__…` in app.css), with presentation attributes as the fallback.
struct SVGChart {
    /// One bar of a bar chart.
    struct Bar {
        var label: String
        var value: Int
        /// A modifier of `chart__bar` (`chart__bar--enrolled`), from a fixed set chosen by the page.
        var tone: String
    }

    /// One point of an area chart.
    struct Point {
        var value: Int
        /// The total the value is a share of (drawn as a line above the area).
        var total: Int
    }

    /// Unique within the page: prefixes the ids of `<title>` and `<desc>`.
    let id: String
    let title: String
    let description: String

    /// Horizontal bars, one row per bar, labels on the left and values on the right.
    func bars(_ bars: [Bar]) -> TrustedHTML {
        let width = 640.0
        let labelWidth = 190.0
        let valueWidth = 70.0
        let rowHeight = 30.0
        let barHeight = 18.0
        let height = max(rowHeight, rowHeight * Double(bars.count))
        let maximum = max(1, bars.map(\.value).max() ?? 0)
        let plotWidth = width - labelWidth - valueWidth
        var body = ""
        for (index, bar) in bars.enumerated() {
            let top = Double(index) * rowHeight
            let length = bar.value == 0 ? 0 : max(2, plotWidth * Double(bar.value) / Double(maximum))
            let textY = Self.number(top + rowHeight / 2 + 5)
            body += "<g class=\"chart__row\">"
            body += "<text x=\"\(Self.number(labelWidth - 8))\" y=\"\(textY)\" text-anchor=\"end\""
            body += " class=\"chart__label\">\(Self.escape(bar.label))</text>"
            body += "<rect x=\"\(Self.number(labelWidth))\" y=\"\(Self.number(top + (rowHeight - barHeight) / 2))\""
            body += " width=\"\(Self.number(length))\" height=\"\(Self.number(barHeight))\" rx=\"3\""
            body += " fill=\"#1f5fbf\" class=\"chart__bar chart__bar--\(Self.escape(bar.tone))\"/>"
            body += "<text x=\"\(Self.number(labelWidth + length + 6))\" y=\"\(textY)\" class=\"chart__value\">"
            body += "\(bar.value)</text></g>"
        }
        return svg(width: width, height: height, kind: "bars", body: body)
    }

    /// An area for `value` under a line for `total`, one point per day, `firstLabel` and
    /// `lastLabel` under the first and last points.
    func area(_ points: [Point], firstLabel: String, lastLabel: String) -> TrustedHTML {
        let width = 640.0
        let height = 240.0
        let left = 48.0
        let right = 12.0
        let top = 12.0
        let bottom = 28.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = max(1, points.map { max($0.value, $0.total) }.max() ?? 0)
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { left + step * Double(index) }
        func y(_ value: Int) -> Double { top + plotHeight - plotHeight * Double(value) / Double(maximum) }
        let base = top + plotHeight
        var body = ""
        // Axes and the two reference values of the y axis.
        body += "<line x1=\"\(Self.number(left))\" y1=\"\(Self.number(base))\" x2=\"\(Self.number(width - right))\""
        body += " y2=\"\(Self.number(base))\" stroke=\"#9aa5b1\" class=\"chart__axis\"/>"
        body += "<line x1=\"\(Self.number(left))\" y1=\"\(Self.number(top))\" x2=\"\(Self.number(width - right))\""
        body += " y2=\"\(Self.number(top))\" stroke=\"#d9e2ec\" class=\"chart__grid\"/>"
        body += "<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(base + 4))\" text-anchor=\"end\""
        body += " class=\"chart__tick\">0</text>"
        body += "<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(top + 4))\" text-anchor=\"end\""
        body += " class=\"chart__tick\">\(maximum)</text>"
        if !points.isEmpty {
            let line = points.indices.map { "\(Self.number(x($0))),\(Self.number(y(points[$0].value)))" }
            let area =
                "\(Self.number(x(0))),\(Self.number(base)) " + line.joined(separator: " ")
                + " \(Self.number(x(points.count - 1))),\(Self.number(base))"
            let totals = points.indices.map { "\(Self.number(x($0))),\(Self.number(y(points[$0].total)))" }
            body += "<polygon points=\"\(area)\" fill=\"#e6f4ea\" class=\"chart__area\"/>"
            body += "<polyline points=\"\(totals.joined(separator: " "))\" fill=\"none\" stroke=\"#52606d\""
            body += " stroke-dasharray=\"4 3\" class=\"chart__total\"/>"
            body += "<polyline points=\"\(line.joined(separator: " "))\" fill=\"none\" stroke=\"#1a7f37\""
            body += " stroke-width=\"2\" class=\"chart__line\"/>"
        }
        body += "<text x=\"\(Self.number(left))\" y=\"\(Self.number(height - 8))\" class=\"chart__tick\">"
        body += "\(Self.escape(firstLabel))</text>"
        body += "<text x=\"\(Self.number(width - right))\" y=\"\(Self.number(height - 8))\" text-anchor=\"end\""
        body += " class=\"chart__tick\">\(Self.escape(lastLabel))</text>"
        return svg(width: width, height: height, kind: "area", body: body)
    }

    private func svg(width: Double, height: Double, kind: String, body: String) -> TrustedHTML {
        let titleID = Self.escape(id + "-title")
        let descriptionID = Self.escape(id + "-desc")
        let markup =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart--\(kind)\" role=\"img\""
            + " viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" preserveAspectRatio=\"xMinYMin meet\""
            + " aria-labelledby=\"\(titleID) \(descriptionID)\">"
            + "<title id=\"\(titleID)\">\(Self.escape(title))</title>"
            + "<desc id=\"\(descriptionID)\">\(Self.escape(description))</desc>" + body + "</svg>"
        return TrustedHTML(unsafeRawHTML: markup)
    }

    /// A coordinate with at most one decimal, never in exponent notation.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        let whole = Int(tenths) / 10
        let fraction = abs(Int(tenths)) % 10
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }

    /// Text escaped for SVG element content and quoted attribute values.
    static func escape(_ text: String) -> String { HTMLEscaper.escape(text) }
}
