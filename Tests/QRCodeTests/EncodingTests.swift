import Testing

@testable import QRCode

@Suite("Versions, capacity and data codewords")
struct EncodingTests {
    /// Byte-mode capacity at level M of versions 1 to 40 (ISO/IEC 18004, Table 7).
    static let mediumByteCapacity = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
        711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213,
        2331,
    ]

    @Test("Byte-mode capacity at level M matches the standard")
    func capacityTable() {
        #expect(
            VersionTable.versions.map { VersionTable.byteCapacity(version: $0, level: .medium) }
                == Self.mediumByteCapacity)
        #expect(VersionTable.byteCapacity(version: 40, level: .low) == 2953)
        #expect(VersionTable.byteCapacity(version: 40, level: .quartile) == 1663)
        #expect(VersionTable.byteCapacity(version: 40, level: .high) == 1273)
    }

    @Test("Block structure at level M (Table 9)")
    func blockStructure() {
        #expect(Codewords.blockDataLengths(version: 1, level: .medium) == [16])
        #expect(Codewords.blockDataLengths(version: 5, level: .medium) == [43, 43])
        #expect(Codewords.blockDataLengths(version: 13, level: .medium) == Array(repeating: 37, count: 8) + [38])
        #expect(
            Codewords.blockDataLengths(version: 40, level: .medium)
                == Array(repeating: 47, count: 18) + Array(repeating: 48, count: 31))
        for version in VersionTable.versions {
            for level in ErrorCorrectionLevel.allCases {
                let lengths = Codewords.blockDataLengths(version: version, level: level)
                #expect(lengths.reduce(0, +) == VersionTable.dataCodewords(version: version, level: level))
                let ecTotal = lengths.count * VersionTable.ecCodewordsPerBlock(version: version, level: level)
                #expect(lengths.reduce(0, +) + ecTotal == VersionTable.totalCodewords(version: version))
            }
        }
    }

    @Test("The smallest version that fits is chosen", arguments: VersionTable.versions)
    func smallestVersion(version: Int) throws {
        let capacity = Self.mediumByteCapacity[version - 1]
        let full = try QRCode(encoding: String(repeating: "a", count: capacity))
        #expect(full.version == version)
        #expect(full.size == 17 + 4 * version)
        if version < 40 {
            let over = try QRCode(encoding: String(repeating: "a", count: capacity + 1))
            #expect(over.version == version + 1)
        }
    }

    @Test("Empty text fits in version 1")
    func emptyText() throws {
        let code = try QRCode(encoding: "")
        #expect(code.version == 1)
        #expect(code.size == 21)
    }

    @Test("Non-ASCII text is counted in UTF-8 bytes")
    func utf8Length() throws {
        // 5 × 3 bytes = 15 > 14: version 2, where 5 characters would fit in version 1.
        #expect(try QRCode(encoding: "東京東京東").version == 2)
        #expect(try QRCode(encoding: "aaaaaaaaaaaaaa").version == 1)
    }

    @Test("Data codewords: mode 0100, count, bytes, terminator, pad bytes 0xEC 0x11")
    func dataCodewords() {
        let expected: [UInt8] =
            [0x40, 0x24, 0x14, 0x20] + [0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
            + [0xEC, 0x11, 0xEC, 0x11]
        #expect(Codewords.data(for: [0x41, 0x42], version: 1, level: .medium) == expected)
        // Version 10 and up count in 16 bits.
        let long = Codewords.data(for: [0xFF], version: 10, level: .medium)
        #expect(Array(long.prefix(4)) == [0x40, 0x00, 0x1F, 0xF0])
        #expect(long.count == 216)
    }

    @Test("Text longer than version 40-M throws dataTooLong")
    func tooLong() throws {
        #expect(throws: QRCodeError.dataTooLong(byteCount: 2332, capacity: 2331, errorCorrection: .medium)) {
            try QRCode(encoding: String(repeating: "a", count: 2332))
        }
        #expect(throws: QRCodeError.dataTooLong(byteCount: 2400, capacity: 2331, errorCorrection: .medium)) {
            try QRCode(encoding: String(repeating: "東", count: 800))
        }
        #expect(throws: QRCodeError.dataTooLong(byteCount: 1274, capacity: 1273, errorCorrection: .high)) {
            try QRCode(encoding: String(repeating: "a", count: 1274), errorCorrection: .high)
        }
        #expect(try QRCode(encoding: String(repeating: "a", count: 2331)).version == 40)

        do {
            _ = try QRCode(encoding: String(repeating: "a", count: 5000))
            Issue.record("expected an error")
        } catch {
            // Typed throws: `error` is a QRCodeError here, no cast needed.
            #expect(
                error.description
                    == "The text is 5000 bytes long in UTF-8, but a QR code at error-correction level M holds at most "
                    + "2331 bytes (version 40).")
        }
    }
}
