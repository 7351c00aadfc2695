/// Scores the eight mask patterns of one symbol with the penalty rules of ISO/IEC 18004, 7.8.3: the lower the
/// score, the easier the symbol is to read.
///
/// The grid is packed into bit rows and bit columns once; masking and every rule then work on whole lines.
struct MaskEvaluator {
    /// Points for runs of five or more same-coloured modules in a row or column: 3, plus 1 per module beyond 5.
    static let runPenalty = 3
    /// Points for each 2 × 2 block of one colour.
    static let blockPenalty = 3
    /// Points for each 1:1:3:1:1 finder-like pattern with four light modules on one side.
    static let finderLikePenalty = 40
    /// Points for each full 5 % by which the share of dark modules strays from 50 %.
    static let balancePenalty = 10

    /// For each mask, for each row `y % 12`: bit `x` set where the mask inverts module (`x`, `y`). Every mask
    /// condition repeats every 12 modules in both directions.
    private static let rowPatterns: [[LineBits]] = (0..<8).map { mask in
        (0..<12).map { y in
            var line = LineBits()
            for x in 0..<LineBits.capacity { line[x] = ModuleGrid.maskHolds(mask, x: x, y: y) }
            return line
        }
    }

    /// For each mask, for each column `x % 12`: bit `y` set where the mask inverts module (`x`, `y`).
    private static let columnPatterns: [[LineBits]] = (0..<8).map { mask in
        (0..<12).map { x in
            var line = LineBits()
            for y in 0..<LineBits.capacity { line[y] = ModuleGrid.maskHolds(mask, x: x, y: y) }
            return line
        }
    }

    private let size: Int
    /// The unmasked modules, by row (bit = column) and by column (bit = row).
    private let rows: [LineBits]
    private let columns: [LineBits]
    /// The modules a mask applies to (all but function modules), by row and by column.
    private let dataRows: [LineBits]
    private let dataColumns: [LineBits]
    /// Where the format bits go.
    private let formatPositions: [(x: Int, y: Int, bit: Int)]

    /// Packs `grid`: codewords placed, no mask applied yet.
    init(grid: ModuleGrid) {
        let size = min(grid.size, LineBits.capacity)
        let modules = grid.modules
        let isFunction = grid.isFunction
        var rows: [LineBits] = []
        var dataRows: [LineBits] = []
        var columns: [LineBits] = []
        var dataColumns: [LineBits] = []
        for line in 0..<size {
            // Four lines at once, 64 modules (one word) at a time.
            var words: [[UInt64]] = [[], [], [], []]
            var along = 0
            while along < size {
                var row: UInt64 = 0
                var dataRow: UInt64 = 0
                var column: UInt64 = 0
                var dataColumn: UInt64 = 0
                for offset in 0..<min(64, size - along) {
                    let bit = UInt64(1) &<< UInt64(offset)
                    let rowIndex = line * grid.size + along + offset
                    let columnIndex = (along + offset) * grid.size + line
                    if modules[rowIndex] { row |= bit }
                    if !isFunction[rowIndex] { dataRow |= bit }
                    if modules[columnIndex] { column |= bit }
                    if !isFunction[columnIndex] { dataColumn |= bit }
                }
                words[0].append(row)
                words[1].append(dataRow)
                words[2].append(column)
                words[3].append(dataColumn)
                along += 64
            }
            rows.append(LineBits(words: words[0]))
            dataRows.append(LineBits(words: words[1]))
            columns.append(LineBits(words: words[2]))
            dataColumns.append(LineBits(words: words[3]))
        }
        self.size = size
        self.rows = rows
        self.columns = columns
        self.dataRows = dataRows
        self.dataColumns = dataColumns
        self.formatPositions = FormatInformation.positions(size: size)
    }

    /// The penalty score of the symbol with mask `mask` (0–7) and the matching format information for `level`.
    func score(mask: Int, level: ErrorCorrectionLevel) -> Int {
        let mask = min(max(mask, 0), 7)
        var maskedRows = rows
        var maskedColumns = columns
        let rowPattern = Self.rowPatterns[mask]
        let columnPattern = Self.columnPatterns[mask]
        for line in 0..<size {
            maskedRows[line] = rows[line] ^ (rowPattern[line % 12] & dataRows[line])
            maskedColumns[line] = columns[line] ^ (columnPattern[line % 12] & dataColumns[line])
        }
        let formatBits = FormatInformation.bits(level: level, mask: mask)
        for position in formatPositions {
            let dark = (formatBits >> position.bit) & 1 != 0
            maskedRows[position.y][position.x] = dark
            maskedColumns[position.x][position.y] = dark
        }
        return Self.score(rows: maskedRows, columns: maskedColumns, size: size)
    }

    /// N1 to N4 for a symbol given both as rows and as columns, `size` modules of each, bits past `size` clear.
    static func score(rows: [LineBits], columns: [LineBits], size: Int) -> Int {
        guard size > 0, rows.count == size, columns.count == size else { return 0 }
        let allButLast = LineBits(ones: size - 1)
        var score = 0
        var dark = 0
        for line in 0..<size {
            score += lineScore(rows[line], allButLast: allButLast)
            score += lineScore(columns[line], allButLast: allButLast)
            dark += rows[line].nonzeroBitCount
            if line + 1 < size {
                // N2: bit x set where modules x and x + 1 of this row and of the next are all one colour.
                let row = rows[line]
                let sameBelow = ~(row ^ rows[line + 1])
                let sameRight = ~(row ^ (row >> 1))
                let blocks = sameBelow & (sameBelow >> 1) & sameRight & allButLast
                score += blocks.nonzeroBitCount * blockPenalty
            }
        }
        let total = size * size
        score += abs(dark * 2 - total) * 10 / total * balancePenalty
        return score
    }

    /// N1 and N3 along one row or column whose modules past the end are clear; `allButLast` has bits
    /// `0..<size - 1` set.
    static func lineScore(_ line: LineBits, allButLast: LineBits) -> Int {
        // N1. Bit x of `runOfFive` is set where modules x to x + 4 share one colour: a run of n ≥ 5 modules sets
        // n − 4 consecutive bits, so it scores (n − 4) + 2 = 3 + (n − 5).
        let same = ~(line ^ (line >> 1)) & allButLast
        let runOfFive = same & (same >> 1) & (same >> 2) & (same >> 3)
        let runStarts = runOfFive & ~(runOfFive << 1)
        var score = runOfFive.nonzeroBitCount + (runPenalty - 1) * runStarts.nonzeroBitCount

        // N3. Dark, light, three dark, light, dark starting at bit x, with four light modules before it or after
        // it; outside the line is the light quiet zone, and shifting brings in clear bits there.
        let light = ~line
        let pattern = line & (light >> 1) & (line >> 2) & (line >> 3) & (line >> 4) & (light >> 5) & (line >> 6)
        // Bit x of `darkAfter` is set where one of modules x + 7 to x + 10 is dark, of `darkBefore` where one of
        // modules x − 4 to x − 1 is.
        let pairsAfter = (line >> 7) | (line >> 8)
        let darkAfter = pairsAfter | (pairsAfter >> 2)
        let pairsBefore = (line << 1) | (line << 2)
        let darkBefore = pairsBefore | (pairsBefore << 2)
        let lightAround = ~darkBefore | ~darkAfter
        score += (pattern & lightAround).nonzeroBitCount * finderLikePenalty
        return score
    }
}
