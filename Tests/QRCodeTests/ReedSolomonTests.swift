import Testing

@testable import QRCode

@Suite("Reed–Solomon over GF(256)")
struct ReedSolomonTests {
    /// αⁱ computed the slow way, independently of the tables in `ReedSolomon`.
    private func alphaPower(_ exponent: Int) -> UInt8 {
        var value = 1
        for _ in 0..<exponent {
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return UInt8(value)
    }

    @Test("ISO/IEC 18004 Annex I: \"01234567\" in version 1-M")
    func isoExample() {
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        let expected: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        #expect(ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 10)) == expected)
        // The same through the block code of version 1-M: one block, data first, then error correction.
        #expect(Codewords.interleaved(data: data, version: 1, level: .medium) == data + expected)
    }

    @Test("Generator polynomial of degree 7 (Annex A): α⁰ x⁷ + α⁸⁷ x⁶ + α²²⁹ x⁵ + …")
    func generatorDegree7() {
        let exponents = [87, 229, 146, 149, 238, 102, 21]
        #expect(ReedSolomon.generator(degree: 7) == exponents.map(alphaPower))
    }

    @Test("Field multiplication agrees with shift-and-add")
    func multiplication() {
        for lhs in [0, 1, 2, 3, 0x53, 0x8E, 0xCA, 0xFF] {
            for rhs in 0...255 {
                var product = 0
                var a = lhs
                var b = rhs
                while b != 0 {
                    if b & 1 != 0 { product ^= a }
                    a <<= 1
                    if a & 0x100 != 0 { a ^= 0x11D }
                    b >>= 1
                }
                #expect(ReedSolomon.multiply(UInt8(lhs), UInt8(rhs)) == UInt8(product))
            }
        }
    }

    @Test("A codeword with its error correction is a multiple of the generator: its syndromes are zero")
    func syndromesVanish() {
        let data = (0..<40).map { UInt8(($0 * 37 + 11) & 0xFF) }
        let ec = ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 18))
        let codeword = data + ec
        for root in 0..<18 {
            var value: UInt8 = 0
            for coefficient in codeword {
                value = ReedSolomon.multiply(value, alphaPower(root)) ^ coefficient
            }
            #expect(value == 0, "syndrome \(root)")
        }
    }
}
