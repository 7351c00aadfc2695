/// The square of modules of one symbol while it is being built: function patterns, codewords and mask
/// (ISO/IEC 18004, 7.7 to 7.9). Coordinates are `x` (column, left to right) and `y` (row, top to bottom).
struct ModuleGrid {
    /// The side of the square, in modules.
    let size: Int
    /// Dark (`true`) or light, row after row.
    private(set) var modules: [Bool]
    /// Whether a module belongs to a function pattern or to the format or version information, row after row.
    private(set) var isFunction: [Bool]

    /// A grid with every function pattern of `version` drawn, room left for the format information, and all
    /// other modules light.
    init(version: Int) {
        size = VersionTable.size(of: version)
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawFunctionPatterns(version: version)
    }

    /// Whether the module at (`x`, `y`) is dark; `false` outside the grid.
    subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    private mutating func setFunctionModule(x: Int, y: Int, dark: Bool) {
        guard x >= 0, y >= 0, x < size, y < size else { return }
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    // MARK: - Function patterns

    private mutating func drawFunctionPatterns(version: Int) {
        // Timing patterns (7.3.4); the finder patterns drawn next overwrite their ends.
        for index in 0..<size {
            setFunctionModule(x: 6, y: index, dark: index % 2 == 0)
            setFunctionModule(x: index, y: 6, dark: index % 2 == 0)
        }
        drawFinderPattern(centerX: 3, centerY: 3)
        drawFinderPattern(centerX: size - 4, centerY: 3)
        drawFinderPattern(centerX: 3, centerY: size - 4)

        let positions = VersionTable.alignmentPositions(version: version)
        let last = positions.count - 1
        for (column, x) in positions.enumerated() {
            for (row, y) in positions.enumerated() {
                // The three corners taken by finder patterns get no alignment pattern.
                let overlapsFinder =
                    (column == 0 && row == 0) || (column == 0 && row == last) || (column == last && row == 0)
                if !overlapsFinder { drawAlignmentPattern(centerX: x, centerY: y) }
            }
        }

        // Reserve the format information areas now so that codewords avoid them; the real bits come with the mask.
        drawFormatInformation(level: .medium, mask: 0)
        drawVersionInformation(version: version)
    }

    /// A finder pattern (7 × 7) with its light separator around it, clipped to the grid (7.3.2, 7.3.3).
    private mutating func drawFinderPattern(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let distance = max(abs(dx), abs(dy))
                setFunctionModule(x: centerX + dx, y: centerY + dy, dark: distance != 2 && distance != 4)
            }
        }
    }

    /// An alignment pattern (5 × 5): dark centre, light ring, dark ring (7.3.5).
    private mutating func drawAlignmentPattern(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunctionModule(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Both copies of the 15 format bits for `level` and `mask`, and the dark module (7.9).
    mutating func drawFormatInformation(level: ErrorCorrectionLevel, mask: Int) {
        let bits = FormatInformation.bits(level: level, mask: mask)
        for position in FormatInformation.positions(size: size) {
            setFunctionModule(x: position.x, y: position.y, dark: (bits >> position.bit) & 1 != 0)
        }
        setFunctionModule(x: 8, y: size - 8, dark: true)
    }

    /// Both 6 × 3 copies of the 18 version bits, for versions 7 and up (7.10).
    private mutating func drawVersionInformation(version: Int) {
        guard version >= 7 else { return }
        let bits = FormatInformation.versionBits(version: version)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 != 0
            let across = size - 11 + index % 3
            let along = index / 3
            setFunctionModule(x: across, y: along, dark: dark)
            setFunctionModule(x: along, y: across, dark: dark)
        }
    }

    // MARK: - Codewords and masks

    /// Places `codewords`, most significant bit first, in the two-module-wide columns from the bottom right,
    /// zig-zagging up and down and skipping function modules and the vertical timing pattern (7.7.3). Modules
    /// left over are the remainder bits and stay light.
    mutating func place(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for offset in 0..<2 {
                    let x = right - offset
                    guard !isFunction[y * size + x], bitIndex < bitCount else { continue }
                    let byte = codewords[bitIndex >> 3]
                    modules[y * size + x] = (byte >> (7 - (bitIndex & 7))) & 1 != 0
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts every module outside the function patterns for which mask pattern `mask` (0–7) holds (7.8.2).
    /// Applying the same mask twice restores the grid.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskHolds(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }

    /// The mask condition of Table 10, with `x` the column (j) and `y` the row (i).
    static func maskHolds(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        case 7: ((x + y) % 2 + x * y % 3) % 2 == 0
        default: false
        }
    }
}

/// The BCH-protected format (15, 5) and version (18, 6) information words (ISO/IEC 18004, 7.9 and 7.10).
enum FormatInformation {
    /// The mask XORed onto the format information so that it is never all light.
    static let formatMask = 0x5412

    /// Level bits and mask number, their 10 BCH bits (generator 0x537), XOR 0x5412: 15 bits, bit 14 first sent.
    static func bits(level: ErrorCorrectionLevel, mask: Int) -> Int {
        let data = level.formatBits << 3 | (mask & 0b111)
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder & 0x3FF) ^ formatMask
    }

    /// Where the format bits go in a symbol `size` modules wide: each of the 15 bits (0 the least significant)
    /// twice, once around the top-left finder pattern and once split between the other two (Figure 25).
    static func positions(size: Int) -> [(x: Int, y: Int, bit: Int)] {
        var result: [(x: Int, y: Int, bit: Int)] = []
        result.reserveCapacity(30)
        // Around the top-left finder pattern: bits 0–7 down column 8, bits 8–14 leftwards along row 8, both
        // skipping the timing pattern.
        for bit in 0...5 { result.append((x: 8, y: bit, bit: bit)) }
        result.append((x: 8, y: 7, bit: 6))
        result.append((x: 8, y: 8, bit: 7))
        result.append((x: 7, y: 8, bit: 8))
        for bit in 9..<15 { result.append((x: 14 - bit, y: 8, bit: bit)) }
        // Bits 0–7 leftwards along row 8 under the top-right pattern, bits 8–14 down column 8 beside the
        // bottom-left one.
        for bit in 0..<8 { result.append((x: size - 1 - bit, y: 8, bit: bit)) }
        for bit in 8..<15 { result.append((x: 8, y: size - 15 + bit, bit: bit)) }
        return result
    }

    /// The version number and its 12 BCH bits (generator 0x1F25): 18 bits.
    static func versionBits(version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return version << 12 | remainder & 0xFFF
    }
}
