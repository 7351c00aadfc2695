@testable import QRCode

/// A plain, module-by-module reading of the penalty rules of ISO/IEC 18004, 7.8.3, against which the bit-parallel
/// `MaskEvaluator` is checked.
enum ReferencePenalty {
    /// N1 to N4 for a square of `size` × `size` modules given row after row.
    static func score(_ grid: [Bool], size: Int) -> Int {
        var score = 0
        for line in 0..<size {
            score += lineScore((0..<size).map { grid[line * size + $0] })
            score += lineScore((0..<size).map { grid[$0 * size + line] })
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let color = grid[y * size + x]
                if grid[y * size + x + 1] == color && grid[(y + 1) * size + x] == color
                    && grid[(y + 1) * size + x + 1] == color
                {
                    score += 3
                }
            }
        }
        let dark = grid.filter { $0 }.count
        let total = size * size
        // Each full 5 % away from half dark costs 10.
        score += abs(dark * 20 - total * 10) / total * 10
        return score
    }

    /// N1 (3 points for a run of 5 same-coloured modules, 1 more per extra module) and N3 (40 points for dark,
    /// light, 3 dark, light, dark with 4 light modules before or after; outside the line counts as light).
    static func lineScore(_ line: [Bool]) -> Int {
        var score = 0
        var start = 0
        while start < line.count {
            var end = start
            while end < line.count && line[end] == line[start] { end += 1 }
            if end - start >= 5 { score += 3 + (end - start - 5) }
            start = end
        }
        func dark(_ index: Int) -> Bool { line.indices.contains(index) && line[index] }
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for start in line.indices where (0..<7).allSatisfy({ dark(start + $0) == finderLike[$0] }) {
            let lightBefore = (start - 4..<start).allSatisfy { !dark($0) }
            let lightAfter = (start + 7..<start + 11).allSatisfy { !dark($0) }
            if lightBefore || lightAfter { score += 40 }
        }
        return score
    }
}
