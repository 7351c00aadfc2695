/// Reed–Solomon error correction over GF(256) with the field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and the
/// generator roots α⁰ … αⁿ⁻¹ (ISO/IEC 18004, 7.5.2).
enum ReedSolomon {
    /// αⁱ for i in 0..<510, so that the sum of two logarithms needs no reduction.
    private static let exponentials: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(v) for v in 1...255; entry 0 is unused.
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exponentials[index])] = index }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 {
        if lhs == 0 || rhs == 0 { return 0 }
        return exponentials[logarithms[Int(lhs)] + logarithms[Int(rhs)]]
    }

    /// The coefficients of the generator polynomial of `degree`, highest power first, leading 1 left out.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        guard degree > 0 else { return coefficients }
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            // Multiply by (x − root); subtraction is addition (xor) in GF(2⁸).
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return coefficients
    }

    /// The `generator.count` error-correction codewords of `data`: the remainder of data·xⁿ divided by the
    /// generator polynomial.
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count
        guard degree > 0 else { return [] }
        let exponentials = exponentials
        let logarithms = logarithms
        // Generator coefficients are never zero; work with their logarithms.
        let generatorLogs = generator.map { logarithms[Int($0)] }
        var message = data + [UInt8](repeating: 0, count: degree)
        for index in 0..<data.count {
            let factor = message[index]
            if factor == 0 { continue }
            let factorLog = logarithms[Int(factor)]
            for term in 0..<degree {
                message[index + 1 + term] ^= exponentials[generatorLogs[term] + factorLog]
            }
        }
        return Array(message[data.count...])
    }
}
