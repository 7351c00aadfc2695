import Foundation
import Testing

@testable import QRCode

@Suite("SVG output")
struct SVGTests {
    /// The dark modules a path of `M x y h w v 1 h -w z` rectangles covers, as (x, y) in view-box units.
    private func coveredModules(_ path: Substring) throws -> Set<[Int]> {
        var covered = Set<[Int]>()
        for rectangle in path.split(separator: "z") {
            // "M12 4h3v1h-3"
            let numbers = rectangle.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            try #require(numbers.count == 5, "unexpected path segment \(rectangle)")
            try #require(numbers[3] == 1 && numbers[4] == -numbers[2], "not a one-row rectangle: \(rectangle)")
            for x in numbers[0]..<(numbers[0] + numbers[2]) {
                #expect(covered.insert([x, numbers[1]]).inserted, "module drawn twice")
            }
        }
        return covered
    }

    /// The text between `prefix` and the next `suffix`.
    private func between(_ text: String, _ prefix: String, _ suffix: String) throws -> Substring {
        let start = try #require(text.range(of: prefix)).upperBound
        let end = try #require(text[start...].range(of: suffix)).lowerBound
        return text[start..<end]
    }

    @Test("A standalone document on one line, with no declaration and no script")
    func document() throws {
        let code = try QRCode(encoding: "https://example.com/")
        let svg = code.svg()
        let side = code.size + 8
        #expect(
            svg.hasPrefix(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * 4)\" "
                    + "height=\"\(side * 4)\" role=\"img\" shape-rendering=\"crispEdges\">"))
        #expect(svg.hasSuffix("\"/></svg>"))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))
        #expect(!svg.contains("\n") && !svg.contains("\r"))
        #expect(!svg.contains("<?xml") && !svg.contains("<script") && !svg.contains("<title>"))
        #expect(svg.components(separatedBy: "<path ").count == 2, "exactly one path")
    }

    @Test("The path covers exactly the dark modules, merged into horizontal runs", arguments: [4, 0, 2])
    func pathMatchesModules(quietZone: Int) throws {
        let code = try QRCode(encoding: Payloads.nonASCIIOTPAuthURI)
        let svg = code.svg(moduleSize: 3, quietZone: quietZone)
        let covered = try coveredModules(try between(svg, "<path fill=\"#000\" d=\"", "\""))
        var expected = Set<[Int]>()
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) { expected.insert([x + quietZone, y + quietZone]) }
        }
        #expect(covered == expected)
        let path = try between(svg, "d=\"", "\"")
        let rectangles = path.split(separator: "z").count
        #expect(rectangles < expected.count)
        let side = code.size + 2 * quietZone
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\" width=\"\(side * 3)\" height=\"\(side * 3)\""))
    }

    @Test("Runs are maximal: two rectangles in one row never touch")
    func maximalRuns() throws {
        let code = try QRCode(encoding: "maximal runs")
        let path = try between(code.svg(quietZone: 0), "d=\"", "\"")
        var ends = Set<[Int]>()
        var starts = Set<[Int]>()
        for rectangle in path.split(separator: "z") {
            let numbers = rectangle.split(whereSeparator: { "Mhv ".contains($0) }).compactMap { Int($0) }
            try #require(numbers.count == 5)
            starts.insert([numbers[0], numbers[1]])
            ends.insert([numbers[0] + numbers[2], numbers[1]])
        }
        #expect(starts.isDisjoint(with: ends))
    }

    @Test("The title is escaped")
    func title() throws {
        let code = try QRCode(encoding: "x")
        let svg = code.svg(title: "Tom & Jerry's <b>\"MFA\"</b>\nnext\u{1}line")
        #expect(
            svg.contains(
                "<title>Tom &amp; Jerry&apos;s &lt;b&gt;&quot;MFA&quot;&lt;/b&gt;&#10;nextline</title>"))
        #expect(!svg.contains("\n"))
        #expect(svg.contains("role=\"img\" shape-rendering=\"crispEdges\"><title>"))
        #expect(code.svg(title: "Société 東京 😀").contains("<title>Société 東京 😀</title>"))
    }

    @Test("Out-of-range sizes are clamped instead of failing")
    func clamping() throws {
        let code = try QRCode(encoding: "x")
        let svg = code.svg(moduleSize: -3, quietZone: -1)
        #expect(svg.contains("viewBox=\"0 0 21 21\" width=\"21\" height=\"21\""))
        #expect(svg.contains("d=\"M0 0h7v1h-7z"))
    }
}
