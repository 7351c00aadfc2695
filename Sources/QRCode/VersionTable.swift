/// The capacity and block structure of each version (ISO/IEC 18004, Tables 1 and 9) and the positions of its
/// alignment patterns (Annex E).
enum VersionTable {
    /// The smallest and the largest version.
    static let versions = 1...40

    /// Error-correction codewords in each block, by level (L, M, Q, H) and then by version (index 0 unused).
    private static let ecCodewordsPerBlock: [[Int]] = [
        [
            0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    /// Number of error-correction blocks, by level (L, M, Q, H) and then by version (index 0 unused).
    private static let blockCounts: [[Int]] = [
        [
            0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]

    /// The side of a symbol of `version`, in modules.
    static func size(of version: Int) -> Int { 17 + 4 * version }

    /// Error-correction codewords per block.
    static func ecCodewordsPerBlock(version: Int, level: ErrorCorrectionLevel) -> Int {
        ecCodewordsPerBlock[level.tableIndex][version]
    }

    /// Number of error-correction blocks.
    static func blockCount(version: Int, level: ErrorCorrectionLevel) -> Int {
        blockCounts[level.tableIndex][version]
    }

    /// Modules left for codewords and remainder bits once the function patterns, format and version
    /// information are drawn.
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignmentCount = version / 7 + 2
            result -= (25 * alignmentCount - 10) * alignmentCount - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    /// All codewords, data and error correction, of `version`.
    static func totalCodewords(version: Int) -> Int { rawDataModules(version: version) / 8 }

    /// Data codewords of `version` at `level`.
    static func dataCodewords(version: Int, level: ErrorCorrectionLevel) -> Int {
        totalCodewords(version: version)
            - ecCodewordsPerBlock(version: version, level: level) * blockCount(version: version, level: level)
    }

    /// Bits of the character count indicator in byte mode (Table 3).
    static func byteCountBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    /// The most bytes that fit in byte mode (mode indicator, count, data; the terminator may be cut short).
    static func byteCapacity(version: Int, level: ErrorCorrectionLevel) -> Int {
        (dataCodewords(version: version, level: level) * 8 - 4 - byteCountBits(version: version)) / 8
    }

    /// Row and column coordinates of the alignment pattern centres, ascending (empty for version 1).
    static func alignmentPositions(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var positions = [6]
        var position = size(of: version) - 7 - step * (count - 2)
        for _ in 1..<count {
            positions.append(position)
            position += step
        }
        return positions
    }
}
