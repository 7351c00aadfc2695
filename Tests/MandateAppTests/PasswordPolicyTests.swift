import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `PasswordPolicy` on its own (SECURITY.md "Passwords"): length in code points after NFKC,
/// no truncation, the blocklist, the email and the organization name.
@Suite("Password policy")
struct PasswordPolicyTests {
    static let blocklist: PasswordBlocklist = {
        let url = TestApp.repositoryRoot.appendingPathComponent("Fixtures/common-passwords.txt")
        return (try? PasswordBlocklist.load(from: url)) ?? PasswordBlocklist(entries: [])
    }()

    let policy = PasswordPolicy(blocklist: Self.blocklist)

    func validate(_ password: String, policy: PasswordPolicy? = nil) throws(CoreError) -> [UInt8] {
        try (policy ?? self.policy).validate(
            password, email: "ada.lovelace@example.com", tenantName: "Analytical Engines", tenantSlug: "engineworks")
    }

    func rejects(_ password: String, policy: PasswordPolicy? = nil) -> Bool {
        do {
            _ = try validate(password, policy: policy)
            return false
        } catch {
            return error.reason == .validation(field: "password")
        }
    }

    @Test("the shipped blocklist has the 30,000 common passwords")
    func blocklistLoads() throws {
        let text = try String(
            contentsOf: TestApp.repositoryRoot.appendingPathComponent("Fixtures/common-passwords.txt"), encoding: .utf8)
        let lines = Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() })
        #expect(lines.count > 29_000)
        #expect(Self.blocklist.count == lines.count)
    }

    @Test("at least 8 code points by default, and a tenant can raise but never lower it")
    func minimumLength() throws {
        #expect(rejects("tr0mbon"))
        #expect(try validate("tr0mbone").count == 8)
        let strict = PasswordPolicy(minimumLength: 12, blocklist: Self.blocklist)
        #expect(rejects("tr0mbone-ab", policy: strict))
        #expect(try validate("tr0mbone-abc", policy: strict).count == 12)
        #expect(PasswordPolicy(minimumLength: 4, blocklist: Self.blocklist).minimumLength == 8)
        #expect(PasswordPolicy(minimumLength: 500, blocklist: Self.blocklist).minimumLength == 128)
    }

    @Test("64 and 128 code points are accepted, 129 are not")
    func maximumLength() throws {
        let unit = "Kq7-w"
        func password(_ count: Int) -> String { String(String(repeating: unit, count: 30).prefix(count)) }
        #expect(try validate(password(64)).count == 64)
        #expect(try validate(password(128)).count == 128)
        #expect(rejects(password(129)))
        // 128 four-byte code points (512 bytes) are still 128 characters.
        #expect(try validate(String(repeating: "🎺", count: 128)).count == 512)
        #expect(rejects(String(repeating: "🎺", count: 129)))
    }

    @Test("a 1 MB password is refused before any normalisation, in well under a second")
    func hugePassword() {
        let huge = String(repeating: "a", count: 1 << 20)
        let start = ContinuousClock.now
        #expect(throws: CoreError.self) { _ = try PasswordPolicy.normalize(huge) }
        #expect(rejects(huge))
        // Generous bound: the refusal is a byte count, not a scan.
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }

    @Test("lengths are counted in Unicode code points, after NFKC")
    func codePoints() throws {
        #expect(try validate(String(repeating: "😀", count: 8)).count == 32)
        #expect(rejects(String(repeating: "😀", count: 7)))
        // A family emoji is one character on screen but five code points: two are ten.
        #expect(try validate("👨‍👩‍👧👨‍👩‍👧").count > 0)
        // Eight code points that NFKC composes into four ("é" × 4) are too short.
        #expect(rejects(String(repeating: "e\u{301}", count: 4)))
    }

    @Test("NFKC normalisation: fullwidth letters and ligatures hash as their plain forms")
    func normalisation() throws {
        #expect(try validate("ＴｒｏｍｂｏｎｅＬｉｇｈｔｈｏｕｓｅ") == Array("TromboneLighthouse".utf8))
        #expect(try validate("ﬁrewood-lantern") == Array("firewood-lantern".utf8))
        #expect(try PasswordPolicy.normalize("Ｌｉｇｈｔ") == Array("Light".utf8))
    }

    @Test("no truncation: every code point of a long password is kept")
    func noTruncation() throws {
        let long = String(repeating: "lighthouse", count: 10)
        let bytes = try validate(long)
        #expect(bytes == Array(long.utf8))
        #expect(try validate(String(long.dropLast())) != bytes)
    }

    @Test("the most common passwords are refused, ignoring case", arguments: ["password", "12345678", "baseball"])
    func blocklisted(_ entry: String) {
        #expect(Self.blocklist.contains(entry))
        #expect(rejects(entry))
        #expect(rejects(entry.uppercased()))
    }

    @Test("the email, its local part and the organization's name or handle are refused")
    func personalValues() throws {
        #expect(rejects("ada.lovelace@example.com"))
        #expect(rejects("ADA.LOVELACE@EXAMPLE.COM"))
        #expect(rejects("my ada.lovelace@example.com!"))
        #expect(rejects("ada.lovelace"))
        #expect(rejects("analytical engines"))
        #expect(rejects("Analytical Engines"))
        #expect(rejects("engineworks"))
        #expect(rejects("ENGINEWORKS"))
    }

    @Test("no composition rules: long lower-case passphrases are fine")
    func noCompositionRules() throws {
        #expect(try validate("a quiet trombone by the sea").count == 27)
        #expect(try validate("zzzzqqqqxxxxwwww").count == 16)
    }

    @Test("production hashing uses the OWASP scrypt parameters (N=2^17, r=8, p=1)")
    func productionParameters() throws {
        #expect(ScryptParameters.owasp == ScryptParameters(logN: 17, r: 8, p: 1))
        // The one OWASP-cost hash of the suite: the hasher's default is the production setting.
        let hasher = PasswordHasher(threads: 1)
        defer { hasher.shutdown() }
        #expect(hasher.parameters == .owasp)
        #expect(ScryptParameters.testing.isWeaker(than: hasher.parameters))
    }
}
