import Testing

@testable import QRCode

/// Checks of the drawn symbol against the layout of ISO/IEC 18004, read the way a decoder reads it.
@Suite("Symbol structure")
struct StructureTests {
    /// Codes of several versions, small to large, with and without version information.
    static let samples: [QRCode] = [1, 15, 63, 107, 181, 625, 1265, 2214].compactMap {
        try? QRCode(encoding: Payloads.text(byteCount: $0, seed: 5))
    }

    /// The BCH (15, 5) remainder of a format word; zero for every valid one.
    private func formatRemainder(_ word: Int) -> Int {
        var value = word
        for bit in stride(from: 14, through: 10, by: -1) where (value >> bit) & 1 != 0 { value ^= 0x537 << (bit - 10) }
        return value
    }

    /// The BCH (18, 6) remainder of a version word; zero for every valid one.
    private func versionRemainder(_ word: Int) -> Int {
        var value = word
        for bit in stride(from: 17, through: 12, by: -1) where (value >> bit) & 1 != 0 { value ^= 0x1F25 << (bit - 12) }
        return value
    }

    /// Reads bits at `points`, the first one the most significant.
    private func read(_ code: QRCode, _ points: [(x: Int, y: Int)]) -> Int {
        points.reduce(0) { $0 << 1 | (code.isDark(x: $1.x, y: $1.y) ? 1 : 0) }
    }

    @Test("Size is 17 + 4 × version")
    func size() {
        #expect(Self.samples.count == 8)
        #expect(Self.samples.map(\.version) == [1, 2, 5, 7, 10, 20, 30, 40])
        for code in Self.samples { #expect(code.size == 17 + 4 * code.version) }
    }

    @Test("Finder patterns with separators in three corners, timing patterns between them")
    func finderAndTiming() {
        for code in Self.samples {
            let last = code.size - 1
            for (left, top) in [(0, 0), (last - 6, 0), (0, last - 6)] {
                for dy in -1...7 {
                    for dx in -1...7 {
                        let x = left + dx
                        let y = top + dy
                        guard x >= 0, y >= 0, x <= last, y <= last else { continue }
                        let ring = max(abs(dx - 3), abs(dy - 3))
                        // Dark outer ring (3), light ring (2), dark 3 × 3 centre; light separator (4).
                        #expect(code.isDark(x: x, y: y) == (ring != 2 && ring != 4), "(\(x), \(y)) in v\(code.version)")
                    }
                }
            }
            for index in 8...(last - 8) {
                #expect(code.isDark(x: index, y: 6) == index.isMultiple(of: 2))
                #expect(code.isDark(x: 6, y: index) == index.isMultiple(of: 2))
            }
            #expect(code.isDark(x: 8, y: code.size - 8), "dark module")
        }
    }

    @Test("Alignment pattern centres (Annex E)")
    func alignmentPositions() {
        #expect(VersionTable.alignmentPositions(version: 1) == [])
        #expect(VersionTable.alignmentPositions(version: 2) == [6, 18])
        #expect(VersionTable.alignmentPositions(version: 7) == [6, 22, 38])
        #expect(VersionTable.alignmentPositions(version: 15) == [6, 26, 48, 70])
        #expect(VersionTable.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(VersionTable.alignmentPositions(version: 36) == [6, 24, 50, 76, 102, 128, 154])
        #expect(VersionTable.alignmentPositions(version: 40) == [6, 30, 58, 86, 114, 142, 170])
        for code in Self.samples where code.version >= 2 {
            let center = code.size - 7
            for dy in -2...2 {
                for dx in -2...2 {
                    #expect(code.isDark(x: center + dx, y: center + dy) == (max(abs(dx), abs(dy)) != 1))
                }
            }
        }
    }

    @Test("Format information: both copies decode to level M and the chosen mask")
    func formatInformation() {
        for code in Self.samples {
            let size = code.size
            // Bit 14 first, in the order ZXing reads them.
            let topLeft = read(
                code,
                (0...5).map { (x: $0, y: 8) } + [(x: 7, y: 8), (x: 8, y: 8), (x: 8, y: 7)]
                    + (0...5).reversed().map { (x: 8, y: $0) })
            let split = read(
                code,
                (size - 7...size - 1).reversed().map { (x: 8, y: $0) } + (size - 8...size - 1).map { (x: $0, y: 8) })
            #expect(topLeft == split)
            #expect(formatRemainder(topLeft ^ 0x5412) == 0)
            let unmasked = topLeft ^ 0x5412
            #expect(unmasked >> 13 == 0b00, "level M")
            #expect((unmasked >> 10) & 0b111 == code.mask)
        }
    }

    @Test("Format words of the standard (Annex C)")
    func formatWords() {
        let medium = [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]
        #expect((0..<8).map { FormatInformation.bits(level: .medium, mask: $0) } == medium)
        #expect(FormatInformation.bits(level: .low, mask: 0) == 0x77C4)
        #expect(FormatInformation.bits(level: .quartile, mask: 0) == 0x355F)
        #expect(FormatInformation.bits(level: .high, mask: 0) == 0x1689)
    }

    @Test("Version information from version 7 on (Annex D)")
    func versionInformation() {
        #expect(FormatInformation.versionBits(version: 7) == 0x07C94)
        #expect(FormatInformation.versionBits(version: 8) == 0x085BC)
        #expect(FormatInformation.versionBits(version: 21) == 0x15683)
        #expect(FormatInformation.versionBits(version: 40) == 0x28C69)
        for code in Self.samples where code.version >= 7 {
            let size = code.size
            // Top right, as ZXing reads it: rows 5 to 0, columns size − 9 to size − 11.
            var topRight: [(x: Int, y: Int)] = []
            var bottomLeft: [(x: Int, y: Int)] = []
            for along in (0...5).reversed() {
                for across in (size - 11...size - 9).reversed() {
                    topRight.append((x: across, y: along))
                    bottomLeft.append((x: along, y: across))
                }
            }
            let word = read(code, topRight)
            #expect(word == read(code, bottomLeft))
            #expect(word >> 12 == code.version)
            #expect(versionRemainder(word) == 0)
        }
    }

    @Test(
        "The bit-parallel penalty score equals the module-by-module one for every mask",
        arguments: [1, 20, 100, 300, 700, 1500, 2331])
    func penaltyAgreesWithReference(byteCount: Int) throws {
        let bytes = Array(Payloads.text(byteCount: byteCount, seed: 13).utf8)
        let version = try QRCode(bytes: bytes, errorCorrection: .medium, mask: 0).version
        var grid = ModuleGrid(version: version)
        grid.place(
            Codewords.interleaved(
                data: Codewords.data(for: bytes, version: version, level: .medium), version: version, level: .medium))
        let evaluator = MaskEvaluator(grid: grid)
        var scores: [Int] = []
        for mask in 0..<8 {
            var masked = grid
            masked.applyMask(mask)
            masked.drawFormatInformation(level: .medium, mask: mask)
            let expected = ReferencePenalty.score(masked.modules, size: masked.size)
            #expect(evaluator.score(mask: mask, level: .medium) == expected, "version \(version), mask \(mask)")
            scores.append(expected)
        }
        // The chosen mask has the lowest score, the lowest mask number among equals.
        let chosen = try QRCode(bytes: bytes, errorCorrection: .medium, mask: nil)
        #expect(chosen.mask == scores.indices.min { scores[$0] < scores[$1] })
        // The forced mask draws the same symbol as masking by hand.
        var byHand = grid
        byHand.applyMask(chosen.mask)
        byHand.drawFormatInformation(level: .medium, mask: chosen.mask)
        for y in 0..<chosen.size {
            for x in 0..<chosen.size where chosen.isDark(x: x, y: y) != byHand[x, y] {
                Issue.record("(\(x), \(y)) differs")
            }
        }
    }

    @Test("Penalty rules N1 to N4 on simple patterns")
    func penaltyRules() {
        func line(_ pattern: String) -> Int {
            let modules = pattern.map { $0 == "#" }
            var bits = LineBits()
            for (index, dark) in modules.enumerated() { bits[index] = dark }
            let fast = MaskEvaluator.lineScore(bits, allButLast: LineBits(ones: modules.count - 1))
            #expect(fast == ReferencePenalty.lineScore(modules), "\(pattern)")
            return fast
        }
        // N1: runs of 6 and 5, and of 21.
        #expect(line("######.....") == 4 + 3)
        #expect(line(".....................") == 19)
        #expect(line("#.#.#.#.#.#") == 0)
        // N3: 1:1:3:1:1 with four light modules before, after, or beyond the edge (the quiet zone).
        #expect(line("....#.###.#") == 40)
        #expect(line("#.###.#...#") == 40)
        #expect(line("#.###.#") == 40)
        #expect(line("#..#.###.#..#") == 0)
        #expect(
            line(String(repeating: ".", count: 100) + "#.###.#" + String(repeating: "#", count: 70)) == 40 + 98 + 69)

        // All light, 21 × 21: each of 42 lines is a run of 21 (N1: 3 + 16), each of 20 × 20 blocks is one colour
        // (N2: 3), and the share of dark modules is 50 % off (N4: 10 steps of 10).
        let blankRows = [LineBits](repeating: LineBits(), count: 21)
        let blank = MaskEvaluator.score(rows: blankRows, columns: blankRows, size: 21)
        #expect(blank == 42 * 19 + 400 * 3 + 100)
        #expect(ReferencePenalty.score(Array(repeating: false, count: 441), size: 21) == blank)
        // A checkerboard scores nothing: its one extra dark module is under 5 %.
        var checkerboard = [LineBits](repeating: LineBits(), count: 21)
        for y in 0..<21 {
            for x in 0..<21 where (x + y).isMultiple(of: 2) { checkerboard[y][x] = true }
        }
        #expect(MaskEvaluator.score(rows: checkerboard, columns: checkerboard, size: 21) == 0)
    }

    @Test("LineBits shifts carry across words")
    func lineBitsShifts() {
        var line = LineBits()
        for index in [0, 63, 64, 127, 128, 191] { line[index] = true }
        let down = line >> 1
        #expect((0..<LineBits.capacity).filter { down[$0] } == [62, 63, 126, 127, 190])
        let up = line << 1
        #expect((0..<LineBits.capacity).filter { up[$0] } == [1, 64, 65, 128, 129])
        #expect(LineBits(ones: 177).nonzeroBitCount == 177)
        #expect(!LineBits(ones: 177)[177] && LineBits(ones: 177)[176])
        #expect((~LineBits()).nonzeroBitCount == 192)
    }

    @Test("Outside the symbol every module is light")
    func outside() {
        for code in Self.samples {
            #expect(!code.isDark(x: -1, y: 0))
            #expect(!code.isDark(x: 0, y: -1))
            #expect(!code.isDark(x: code.size, y: 0))
            #expect(!code.isDark(x: 0, y: code.size))
            #expect(!code.isDark(x: Int.min, y: Int.max))
        }
    }
}
