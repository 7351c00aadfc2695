import Crypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test("bytes(count:) has the requested length")
    func lengths() {
        for count in [0, 1, 16, 32, 1000] {
            #expect(SecureRandom.bytes(count: count).count == count)
        }
        #expect(SecureRandom.bytes(count: -5).isEmpty)
        #expect(SecureRandom.bytes(count: 32) != SecureRandom.bytes(count: 32))
    }

    @Test("numericCode always has exactly `digits` ASCII digits")
    func numericCodes() {
        for digits in [1, 4, 6, 8, 12] {
            for _ in 0..<200 {
                let code = SecureRandom.numericCode(digits: digits)
                #expect(code.utf8.count == digits)
                #expect(code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            }
        }
        #expect(SecureRandom.numericCode(digits: 0) == "")
        #expect(SecureRandom.numericCode(digits: -1) == "")
    }

    @Test("numericCode uses every digit, leading zeros included")
    func digitCoverage() {
        var seen = Set<Character>()
        var leadingZero = false
        // 2000 six-digit codes: missing any of 10 digits has probability about 10 · 0.9^12000.
        for _ in 0..<2000 {
            let code = SecureRandom.numericCode(digits: 6)
            seen.formUnion(code)
            leadingZero = leadingZero || code.hasPrefix("0")
        }
        #expect(seen.count == 10)
        #expect(leadingZero)
    }

    @Test("uniform(below:) stays in range and reaches both ends")
    func uniform() {
        for bound: UInt32 in [2, 3, 7, 10, 1000, UInt32.max, (1 << 31) + 1] {
            for _ in 0..<500 {
                #expect(SecureRandom.uniform(below: bound) < bound)
            }
        }
        #expect(SecureRandom.uniform(below: 0) == 0)
        #expect(SecureRandom.uniform(below: 1) == 0)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<3000 { counts[Int(SecureRandom.uniform(below: 3))] += 1 }
        // Each bucket expects 1000; 700 is over 10 standard deviations away.
        #expect(counts.allSatisfy { $0 > 700 })
    }

    @Test("token is 43 base64url characters by default and unique")
    func tokens() {
        let first = SecureRandom.token()
        let second = SecureRandom.token()
        #expect(first.count == 43)
        #expect(first != second)
        #expect(Base64URL.decode(first)?.count == 32)
        #expect(SecureRandom.token(byteCount: 16).count == 22)
    }
}
