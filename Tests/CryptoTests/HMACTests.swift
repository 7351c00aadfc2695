import Crypto
import Testing

/// Known-answer tests from RFC 2202 §3 (HMAC-SHA-1) and RFC 4231 §4 (HMAC-SHA-256/512).
@Suite("HMAC")
struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let data: [UInt8]
        let expected: String
        /// Number of leading bytes compared (RFC 4231 test case 5 truncates to 128 bits).
        var truncatedTo: Int?

        var testDescription: String { name }
    }

    /// RFC 2202 §3, test cases 1–7 for HMAC-SHA-1.
    static let rfc2202: [Vector] = [
        Vector(
            name: "1", key: [UInt8](repeating: 0x0b, count: 20), data: utf8("Hi There"),
            expected: "b617318655057264e28bc0b6fb378c8ef146be00"),
        Vector(
            name: "2", key: utf8("Jefe"), data: utf8("what do ya want for nothing?"),
            expected: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        Vector(
            name: "3", key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
            expected: "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        Vector(
            name: "4", key: Array(1...25), data: [UInt8](repeating: 0xcd, count: 50),
            expected: "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        Vector(
            name: "5", key: [UInt8](repeating: 0x0c, count: 20), data: utf8("Test With Truncation"),
            expected: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
        Vector(
            name: "6", key: [UInt8](repeating: 0xaa, count: 80),
            data: utf8("Test Using Larger Than Block-Size Key - Hash Key First"),
            expected: "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        Vector(
            name: "7", key: [UInt8](repeating: 0xaa, count: 80),
            data: utf8("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
            expected: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
    ]

    /// RFC 4231 §4.2–4.8: the shared keys and data of test cases 1–7.
    static let rfc4231Inputs: [(key: [UInt8], data: [UInt8])] = [
        ([UInt8](repeating: 0x0b, count: 20), utf8("Hi There")),
        (utf8("Jefe"), utf8("what do ya want for nothing?")),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50)),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50)),
        ([UInt8](repeating: 0x0c, count: 20), utf8("Test With Truncation")),
        ([UInt8](repeating: 0xaa, count: 131), utf8("Test Using Larger Than Block-Size Key - Hash Key First")),
        (
            [UInt8](repeating: 0xaa, count: 131),
            utf8(
                "This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.")
        ),
    ]

    static let rfc4231SHA256 = [
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "a3b6167473100ee06e0c796c2955552b",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ]

    static let rfc4231SHA512 = [
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
            + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
            + "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
        "415fad6271580a531d4179bc891d87a6",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
            + "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
    ]

    static func rfc4231(_ expected: [String]) -> [Vector] {
        zip(rfc4231Inputs, expected).enumerated().map { index, pair in
            Vector(
                name: "\(index + 1)", key: pair.0.key, data: pair.0.data, expected: pair.1,
                truncatedTo: index == 4 ? 16 : nil)
        }
    }

    @Test("RFC 2202 HMAC-SHA-1", arguments: rfc2202)
    func sha1(vector: Vector) {
        let mac = HMAC.authenticationCode(for: vector.data, key: vector.key, algorithm: .sha1)
        #expect(mac.hexEncodedString() == vector.expected)
    }

    @Test("RFC 2202 test case 5 truncated to 96 bits")
    func sha1Truncated() {
        let mac = HMAC.authenticationCode(
            for: utf8("Test With Truncation"), key: [UInt8](repeating: 0x0c, count: 20), algorithm: .sha1)
        #expect(Array(mac.prefix(12)).hexEncodedString() == "4c1a03424b55e07fe7f27be1")
    }

    @Test("RFC 4231 HMAC-SHA-256", arguments: rfc4231(rfc4231SHA256))
    func sha256(vector: Vector) {
        let mac = HMAC.authenticationCode(for: vector.data, key: vector.key, algorithm: .sha256)
        #expect(mac.count == 32)
        #expect(Array(mac.prefix(vector.truncatedTo ?? mac.count)).hexEncodedString() == vector.expected)
    }

    @Test("RFC 4231 HMAC-SHA-512", arguments: rfc4231(rfc4231SHA512))
    func sha512(vector: Vector) {
        let mac = HMAC.authenticationCode(for: vector.data, key: vector.key, algorithm: .sha512)
        #expect(mac.count == 64)
        #expect(Array(mac.prefix(vector.truncatedTo ?? mac.count)).hexEncodedString() == vector.expected)
    }

    @Test("String message is hashed as UTF-8; empty key and message work")
    func conveniences() {
        #expect(
            HMAC.authenticationCode(for: "what do ya want for nothing?", key: utf8("Jefe"), algorithm: .sha256)
                .hexEncodedString() == Self.rfc4231SHA256[1])
        // HMAC-SHA-256 with empty key and message, a widely published value.
        #expect(
            HMAC.authenticationCode(for: [], key: [], algorithm: .sha256).hexEncodedString()
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test("isValid accepts the right MAC only")
    func validation() {
        let key = utf8("Jefe")
        let message = utf8("what do ya want for nothing?")
        let mac = HMAC.authenticationCode(for: message, key: key, algorithm: .sha256)
        #expect(HMAC.isValid(mac, for: message, key: key, algorithm: .sha256))
        var tampered = mac
        tampered[31] ^= 1
        #expect(!HMAC.isValid(tampered, for: message, key: key, algorithm: .sha256))
        #expect(!HMAC.isValid(Array(mac.prefix(16)), for: message, key: key, algorithm: .sha256))
        #expect(!HMAC.isValid([], for: message, key: key, algorithm: .sha256))
    }
}
