import Foundation

/// A plain-text table with left-aligned columns, for command output that people read and
/// scripts may `awk`: columns are separated by two spaces, and no cell contains a line break.
struct TextTable {
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    /// Appends a row; newlines and tabs in cells become spaces so each row stays one line.
    mutating func append(_ cells: [String]) {
        rows.append(
            cells.map { cell in
                String(cell.map { $0.isNewline || $0 == "\t" ? " " : $0 })
            })
    }

    /// The header and the rows, each line without trailing spaces.
    var text: String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return ([headers] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.map(Self.trimmingTrailingSpaces).joined(separator: "\n")
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
