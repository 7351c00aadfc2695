import Crypto
import Testing

/// RFC 7914 §12 test vectors. The fourth vector (N = 2^20, r = 8, 1 GiB of memory, several seconds)
/// is deliberately skipped to keep the suite fast and light on memory.
@Suite("scrypt (RFC 7914)")
struct ScryptTests {
    @Test("P=\"\", S=\"\", N=16, r=1, p=1, dkLen=64")
    func emptyPasswordAndSalt() throws {
        let key = try Scrypt.deriveKey(
            password: [], salt: [], parameters: ScryptParameters(logN: 4, r: 1, p: 1), keyLength: 64)
        #expect(
            key
                == hexBytes(
                    """
                    77 d6 57 62 38 65 7b 20 3b 19 ca 42 c1 8a 04 97
                    f1 6b 48 44 e3 07 4a e8 df df fa 3f ed e2 14 42
                    fc d0 06 9d ed 09 48 f8 32 6a 75 3a 0f c8 1f 17
                    e8 d3 e0 fb 2e 0d 36 28 cf 35 e2 0c 38 d1 89 06
                    """))
    }

    @Test("P=\"password\", S=\"NaCl\", N=1024, r=8, p=16, dkLen=64")
    func password() throws {
        let key = try Scrypt.deriveKey(
            password: utf8("password"), salt: utf8("NaCl"), parameters: ScryptParameters(logN: 10, r: 8, p: 16),
            keyLength: 64)
        #expect(
            key
                == hexBytes(
                    """
                    fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe
                    7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 31 62
                    2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da
                    c7 27 af b9 4a 83 ee 6d 83 60 cb df a2 cc 06 40
                    """))
    }

    @Test("P=\"pleaseletmein\", S=\"SodiumChloride\", N=16384, r=8, p=1, dkLen=64")
    func pleaseLetMeIn() throws {
        let key = try Scrypt.deriveKey(
            password: utf8("pleaseletmein"), salt: utf8("SodiumChloride"),
            parameters: ScryptParameters(logN: 14, r: 8, p: 1), keyLength: 64)
        #expect(
            key
                == hexBytes(
                    """
                    70 23 bd cb 3a fd 73 48 46 1c 06 cd 81 fd 38 eb
                    fd a8 fb ba 90 4f 8e 3e a9 b5 43 f6 54 5d a1 f2
                    d5 43 29 55 61 3f 0f cf 62 d4 97 05 24 2a 9a f9
                    e6 1e 85 dc 0d 65 1e 40 df cf 01 7b 45 57 58 87
                    """))
    }

    @Test(
        "Absurd parameters are refused before any work",
        arguments: [
            ScryptParameters(logN: 0, r: 8, p: 1),
            ScryptParameters(logN: 23, r: 8, p: 1),
            ScryptParameters(logN: 63, r: 8, p: 1),
            ScryptParameters(logN: 255, r: 8, p: 1),
            ScryptParameters(logN: 10, r: 0, p: 1),
            ScryptParameters(logN: 10, r: 8, p: 0),
            ScryptParameters(logN: 10, r: 1 << 15, p: 1 << 15),
            ScryptParameters(logN: 10, r: .max, p: .max),
            ScryptParameters(logN: 17, r: 1, p: 1),  // N ≥ 2^(16r): RFC 7914 §6
            ScryptParameters(logN: 21, r: 8, p: 1),  // 2 GiB of memory
            ScryptParameters(logN: 10, r: 8, p: 100_000),  // work limit
        ])
    func absurdParameters(parameters: ScryptParameters) {
        #expect(throws: CryptoError.self) {
            try Scrypt.deriveKey(password: [], salt: [], parameters: parameters, keyLength: 32)
        }
        do {
            try parameters.validate()
            Issue.record("validate() accepted \(parameters)")
        } catch {
            #expect(error.reason == .unsupportedParameters)
        }
    }

    @Test("Key length must be sensible")
    func keyLength() {
        for length in [0, -1, Scrypt.maximumKeyLength + 1] {
            do {
                _ = try Scrypt.deriveKey(password: [], salt: [], parameters: .testing, keyLength: length)
                Issue.record("accepted key length \(length)")
            } catch {
                #expect(error.reason == .invalidArgument)
            }
        }
    }

    @Test("OWASP and testing parameters are valid")
    func presets() throws {
        try ScryptParameters.owasp.validate()
        try ScryptParameters.testing.validate()
        #expect(ScryptParameters.owasp == ScryptParameters(logN: 17, r: 8, p: 1))
        #expect(ScryptParameters.testing == ScryptParameters(logN: 10, r: 8, p: 1))
        #expect(ScryptParameters.owasp.memoryBytes == 128 << 20)
    }
}
