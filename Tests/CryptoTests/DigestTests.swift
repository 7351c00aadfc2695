import Crypto
import Testing

@Suite("Digest and hex")
struct DigestTests {
    /// FIPS 180-2 Appendix B.1 ("abc") and the well-known digest of the empty message.
    @Test("SHA-256 known answers")
    func sha256() {
        #expect(
            Digest.sha256([]).hexEncodedString()
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Digest.sha256(utf8("abc")).hexEncodedString()
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256("abc") == Digest.sha256(utf8("abc")))
    }

    /// FIPS 180-2 Appendix A.1 and C.1 ("abc").
    @Test("SHA-1 and SHA-512 known answers")
    func sha1AndSHA512() {
        #expect(Digest.sha1(utf8("abc")).hexEncodedString() == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            Digest.sha512(utf8("abc")).hexEncodedString()
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    @Test("Hex encodes lower case and decodes either case strictly")
    func hex() {
        #expect([0x00, 0x0f, 0xab, 0xff].hexEncodedString() == "000fabff")
        #expect(Hex.decode("000FabFF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0x00") == nil)
    }
}
