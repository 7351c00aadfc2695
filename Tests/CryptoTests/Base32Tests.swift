import Crypto
import Testing

/// RFC 4648 §10 test vectors for base32, plus the leniency and strictness rules of `Base32.decode`.
@Suite("Base32")
struct Base32Tests {
    static let rfc4648: [(String, String)] = [
        ("", ""),
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("RFC 4648 §10 base32 vectors", arguments: rfc4648)
    func vectors(plain: String, encoded: String) {
        #expect(Base32.encode(utf8(plain)) == encoded)
        #expect(Base32.decode(encoded) == utf8(plain))
        let unpadded = String(encoded.filter { $0 != "=" })
        #expect(Base32.encode(utf8(plain), padding: false) == unpadded)
        #expect(Base32.decode(unpadded) == utf8(plain))
        #expect(Base32.decode(encoded.lowercased()) == utf8(plain))
    }

    @Test("Hand-typed secrets: lower case, spaces, hyphens, line breaks")
    func lenient() {
        let secret = utf8("12345678901234567890")
        #expect(Base32.encode(secret, padding: false) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == secret)
        #expect(Base32.decode("GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ") == secret)
        #expect(Base32.decode("GeZdGnBvGy3TqOjQ\nGEZDGNBVGY3TQOJQ\r\n") == secret)
        #expect(Base32.decode("MZXW 6YQ=") == utf8("foob"))
        #expect(Base32.decode("   ") == [])
    }

    @Test(
        "Garbage is rejected",
        arguments: [
            "MZXW1===",  // '1' is not in the alphabet
            "MZXW8",  // neither is '8'
            "MZXW0",  // nor '0'
            "MZ_W6",
            "MZXW6é",
            "M",  // 1 character: impossible length
            "MZX",  // 3 characters: impossible length
            "MZXW6Y",  // 6 characters: impossible length
            "MZXW6YTBO",  // 9 characters: impossible length
            "MZ======",  // 'Z' leaves non-zero trailing bits
            "MZXR====",  // non-zero trailing bits
            "MY=",  // wrong amount of padding
            "MY=======",  // too much padding
            "MZXW6YTB========",  // padding after a complete group
            "MY======MY======",  // data after padding
            "MY==A===",
            "========",
        ])
    func garbage(text: String) {
        #expect(Base32.decode(text) == nil)
    }

    @Test("Random round trips")
    func roundTrips() {
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(count: length)
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
            #expect(Base32.decode(Base32.encode(bytes, padding: false)) == bytes)
        }
    }
}
