import Crypto
import Testing

@Suite("PasswordHash (scrypt PHC strings)")
struct PasswordHashTests {
    @Test("Round trip, wrong password, PHC layout")
    func roundTrip() throws {
        let phc = try PasswordHash.make(password: "correct horse battery staple", parameters: .testing)
        #expect(phc.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        let sections = phc.split(separator: "$", omittingEmptySubsequences: false)
        #expect(sections.count == 5)
        #expect(sections[3].count == 22)  // 16-byte salt, base64 without padding
        #expect(sections[4].count == 43)  // 32-byte key, base64 without padding
        #expect(!sections[3].contains("=") && !sections[4].contains("="))
        #expect(try PasswordHash.verify(password: "correct horse battery staple", against: phc))
        #expect(try !PasswordHash.verify(password: "correct horse battery stapl", against: phc))
        #expect(try !PasswordHash.verify(password: "", against: phc))
        #expect(try PasswordHash.parameters(of: phc) == .testing)
        // Fresh salt each time.
        #expect(
            try PasswordHash.make(password: "x", parameters: .testing)
                != PasswordHash.make(password: "x", parameters: .testing))
    }

    @Test("Deterministic with a given salt, and matches scrypt directly")
    func fixedSalt() throws {
        let salt = utf8("NaClNaClNaClNaCl")
        let phc = try PasswordHash.make(password: utf8("password"), parameters: .testing, salt: salt)
        let key = try Scrypt.deriveKey(password: utf8("password"), salt: salt, parameters: .testing, keyLength: 32)
        #expect(
            phc
                == "$scrypt$ln=10,r=8,p=1$\(Base64URLTests.standardUnpadded(salt))$\(Base64URLTests.standardUnpadded(key))"
        )
        #expect(phc.hasPrefix("$scrypt$ln=10,r=8,p=1$TmFDbE5hQ2xOYUNsTmFDbA$"))
    }

    @Test("A tampered key or salt does not verify")
    func tampered() throws {
        let phc = try PasswordHash.make(password: "secret", parameters: .testing)
        var sections = phc.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        let originalKey = sections[4]
        sections[4] = (originalKey.first == "A" ? "B" : "A") + originalKey.dropFirst()
        #expect(try !PasswordHash.verify(password: "secret", against: sections.joined(separator: "$")))
        sections[4] = originalKey
        let originalSalt = sections[3]
        sections[3] = (originalSalt.first == "A" ? "B" : "A") + originalSalt.dropFirst()
        #expect(try !PasswordHash.verify(password: "secret", against: sections.joined(separator: "$")))
        // Changed cost parameters change the key, too.
        let cheaper = phc.replacingFirst("ln=10", with: "ln=9")
        #expect(try !PasswordHash.verify(password: "secret", against: cheaper))
    }

    static let validSalt = "c2FsdHNhbHRzYWx0c2FsdA"  // "saltsaltsaltsalt"
    static let validKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  // 32 zero bytes

    @Test(
        "Malformed PHC strings are errors",
        arguments: [
            "",
            "scrypt",
            "$scrypt$",
            "$scrypt$ln=10,r=8,p=1$\(validSalt)",
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$\(validKey)$",
            "scrypt$ln=10,r=8,p=1$\(validSalt)$\(validKey)",
            "$argon2id$ln=10,r=8,p=1$\(validSalt)$\(validKey)",
            "$SCRYPT$ln=10,r=8,p=1$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8,p=1,x=2$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8,r=8$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8,p=$\(validSalt)$\(validKey)",
            "$scrypt$ln=010,r=8,p=1$\(validSalt)$\(validKey)",
            "$scrypt$ln=+10,r=8,p=1$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8,p=1 $\(validSalt)$\(validKey)",
            "$scrypt$ln=99999999999,r=8,p=1$\(validSalt)$\(validKey)",
            "$scrypt$ln=10,r=8,p=1$$\(validKey)",
            "$scrypt$ln=10,r=8,p=1$c2FsdA$\(validKey)",  // 4-byte salt
            "$scrypt$ln=10,r=8,p=1$\(validSalt)==$\(validKey)",  // padding
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$\(validKey)=",
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$AAAA",  // short key
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$\(validKey)AAAA",  // long key
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",  // non-zero trailing bits
            "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA-_$\(validKey)",  // base64url characters
            "$scrypt$ln=10,r=8,p=1$\(validSalt)$\(validKey)\(String(repeating: "A", count: 600))",
        ])
    func malformed(phc: String) {
        do {
            _ = try PasswordHash.verify(password: "secret", against: phc)
            Issue.record("verify accepted \(phc)")
        } catch {
            #expect(error.reason == .malformedPasswordHash || error.reason == .unsupportedParameters)
        }
        #expect(throws: CryptoError.self) { try PasswordHash.parameters(of: phc) }
        #expect(PasswordHash.needsRehash(phc, target: .testing))
    }

    @Test(
        "Absurd stored parameters are refused, not attempted",
        arguments: [
            "ln=30,r=8,p=1", "ln=22,r=8,p=1", "ln=0,r=8,p=1", "ln=10,r=0,p=1", "ln=10,r=1073741824,p=1",
            "ln=10,r=32768,p=32768", "ln=10,r=4294967296,p=1", "ln=256,r=8,p=1",
        ])
    func absurdStoredParameters(fields: String) {
        let phc = "$scrypt$\(fields)$\(Self.validSalt)$\(Self.validKey)"
        do {
            _ = try PasswordHash.verify(password: "secret", against: phc)
            Issue.record("verify accepted \(phc)")
        } catch {
            #expect(error.reason == .unsupportedParameters)
        }
    }

    @Test("Well-formed foreign layout is accepted: parameters in another order")
    func parameterOrder() throws {
        let phc = try PasswordHash.make(password: "secret", parameters: .testing)
        let reordered = phc.replacingFirst("ln=10,r=8,p=1", with: "p=1,ln=10,r=8")
        #expect(try PasswordHash.verify(password: "secret", against: reordered))
    }

    @Test("Salt length is checked when making a hash")
    func saltLength() {
        for salt in [[UInt8](repeating: 1, count: 7), [UInt8](repeating: 1, count: 65)] {
            do {
                _ = try PasswordHash.make(password: "secret", parameters: .testing, salt: salt)
                Issue.record("accepted salt of \(salt.count) bytes")
            } catch {
                #expect(error.reason == .invalidArgument)
            }
        }
    }

    @Test("needsRehash compares every parameter against the target")
    func needsRehash() {
        func phc(_ logN: Int, _ r: Int, _ p: Int) -> String {
            "$scrypt$ln=\(logN),r=\(r),p=\(p)$\(Self.validSalt)$\(Self.validKey)"
        }
        #expect(PasswordHash.needsRehash(phc(10, 8, 1), target: .owasp))
        #expect(PasswordHash.needsRehash(phc(17, 4, 1), target: .owasp))
        #expect(PasswordHash.needsRehash(phc(17, 8, 1), target: ScryptParameters(logN: 17, r: 8, p: 2)))
        #expect(!PasswordHash.needsRehash(phc(17, 8, 1), target: .owasp))
        #expect(!PasswordHash.needsRehash(phc(18, 8, 1), target: .owasp))
        #expect(!PasswordHash.needsRehash(phc(17, 8, 2), target: .owasp))
        #expect(!PasswordHash.needsRehash(phc(10, 8, 1), target: .testing))
        #expect(PasswordHash.needsRehash("not a hash", target: .testing))
    }

    /// The one test at the real OWASP cost (128 MiB, roughly half a second), on a thread of its own
    /// as the server does (never on the cooperative pool, which the parallel tests share).
    @Test("OWASP parameters work end to end")
    func owasp() async throws {
        let (phc, verified) = try await offPool {
            let phc = try PasswordHash.make(password: utf8("hunter2"), parameters: .owasp)
            return (phc, try PasswordHash.verify(password: utf8("hunter2"), against: phc))
        }
        #expect(phc.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
        #expect(verified)
        #expect(!PasswordHash.needsRehash(phc, target: .owasp))
    }

    @Test("CryptoError describes itself without secrets")
    func errorDescription() {
        do {
            _ = try PasswordHash.verify(password: "secret", against: "$scrypt$garbage")
            Issue.record("accepted garbage")
        } catch {
            #expect(error.description.hasPrefix("malformedPasswordHash: "))
            #expect(!error.description.contains("secret"))
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        var copy = self
        guard let range = copy.firstRange(of: target) else { return self }
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
