import Crypto
import Foundation
import Testing

/// RFC 4648 §10 test vectors for base64 (through base64url, whose alphabet differs only in two
/// characters), plus the URL-safe rules.
@Suite("Base64URL")
struct Base64URLTests {
    static let rfc4648: [(String, String)] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    /// Standard base64 without padding, via Foundation (an independent encoder for comparisons).
    static func standardUnpadded(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().filter { $0 != "=" })
    }

    @Test("RFC 4648 §10 base64 vectors", arguments: rfc4648)
    func vectors(plain: String, encoded: String) {
        let unpadded = String(encoded.filter { $0 != "=" })
        #expect(Base64URL.encode(utf8(plain)) == unpadded)
        #expect(Base64URL.decode(unpadded) == utf8(plain))
        #expect(Base64URL.decode(encoded) == utf8(plain))
        #expect(Data(utf8(plain)).base64EncodedString() == encoded)
    }

    @Test("URL-safe alphabet (RFC 4648 §5)")
    func alphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
    }

    @Test(
        "Garbage is rejected",
        arguments: ["+/+/", "Zg=", "Zg===", "Z", "Zm9vY", "Zh", "Zm9=v", "Zm 9v", "Zm9v\n", "é", "Zg==Zg=="])
    func garbage(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("Random round trips")
    func roundTrips() {
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(count: length)
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
        }
    }
}
