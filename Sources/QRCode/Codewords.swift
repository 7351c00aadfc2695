/// Turns bytes into the final, interleaved sequence of data and error-correction codewords of one version
/// (ISO/IEC 18004, 7.4 and 7.6).
enum Codewords {
    /// The data codewords for `bytes` in byte mode: mode indicator 0100, character count, the bytes, the
    /// terminator, zero bits up to a byte boundary, then the pad codewords 0xEC and 0x11 in turn.
    ///
    /// The caller makes sure that `bytes` fits in `version` at `level`.
    static func data(for bytes: [UInt8], version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let capacity = VersionTable.dataCodewords(version: version, level: level)
        var writer = BitWriter()
        writer.append(0b0100, bitCount: 4)
        writer.append(bytes.count, bitCount: VersionTable.byteCountBits(version: version))
        for byte in bytes { writer.append(Int(byte), bitCount: 8) }
        writer.append(0, bitCount: min(4, capacity * 8 - writer.bitCount))
        writer.append(0, bitCount: (8 - writer.bitCount % 8) % 8)
        var codewords = writer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// Splits `data` into the blocks of `version` at `level`, appends the Reed–Solomon codewords to each, and
    /// interleaves them: the first data codeword of every block, then the second, …, then the error-correction
    /// codewords the same way. Short blocks come first and have one data codeword fewer than long ones.
    static func interleaved(data: [UInt8], version: Int, level: ErrorCorrectionLevel) -> [UInt8] {
        let ecCount = VersionTable.ecCodewordsPerBlock(version: version, level: level)
        let generator = ReedSolomon.generator(degree: ecCount)
        let lengths = blockDataLengths(version: version, level: level)

        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var start = 0
        for length in lengths {
            let end = min(start + length, data.count)
            let slice = Array(data[min(start, end)..<end])
            dataBlocks.append(slice)
            ecBlocks.append(ReedSolomon.remainder(of: slice, generator: generator))
            start += length
        }

        var result: [UInt8] = []
        result.reserveCapacity(VersionTable.totalCodewords(version: version))
        for index in 0..<(lengths.last ?? 0) {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<ecCount {
            for block in ecBlocks { result.append(block[index]) }
        }
        return result
    }
}

extension Codewords {
    /// The number of data codewords in each block, in order: the codewords divide as evenly as they can, and the
    /// blocks with one codeword more come last (Table 9).
    static func blockDataLengths(version: Int, level: ErrorCorrectionLevel) -> [Int] {
        let blockCount = VersionTable.blockCount(version: version, level: level)
        let ecCount = VersionTable.ecCodewordsPerBlock(version: version, level: level)
        let total = VersionTable.totalCodewords(version: version)
        let shortBlockCount = blockCount - total % blockCount
        let shortDataCount = total / blockCount - ecCount
        return (0..<blockCount).map { shortDataCount + ($0 < shortBlockCount ? 0 : 1) }
    }
}

/// Appends bit fields, most significant bit first, to a byte array.
struct BitWriter {
    /// The whole bytes written so far.
    private var whole: [UInt8] = []
    /// Bits not yet making up a whole byte, in the low `pendingCount` bits.
    private var pending: UInt64 = 0
    private var pendingCount = 0

    /// The number of bits written so far.
    var bitCount: Int { whole.count * 8 + pendingCount }

    /// The bytes written so far; a last, partial byte is padded with zero bits.
    var bytes: [UInt8] {
        guard pendingCount > 0 else { return whole }
        return whole + [UInt8(truncatingIfNeeded: pending &<< UInt64(8 - pendingCount))]
    }

    /// Appends the low `count` bits of `value` (at most 32), the most significant first.
    mutating func append(_ value: Int, bitCount count: Int) {
        let count = min(max(count, 0), 32)
        guard count > 0 else { return }
        let bits = UInt64(truncatingIfNeeded: value) & ((UInt64(1) &<< UInt64(count)) &- 1)
        pending = (pending &<< UInt64(count)) | bits
        pendingCount += count
        while pendingCount >= 8 {
            pendingCount -= 8
            whole.append(UInt8(truncatingIfNeeded: pending &>> UInt64(pendingCount)))
        }
        pending &= (UInt64(1) &<< UInt64(pendingCount)) &- 1
    }
}
