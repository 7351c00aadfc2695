import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Password rules as the API applies them: invitation acceptance, sign-in, storage and rehashing.
@Suite("Passwords through the API")
struct PasswordAPITests {
    /// A tenant `acme` with its owner signed in, and a freshly invited user's link token.
    struct Fixture {
        let app: TestApp
        let ownerToken: String
        let invited: UserService.Invited
    }

    func fixture() async throws -> Fixture {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let invited = try await app.invite(token, email: "new@acme.test")
        return Fixture(app: app, ownerToken: token, invited: invited)
    }

    func accept(_ app: TestApp, _ token: String, _ password: String) async -> TestApp.Response {
        await app.request(.post, "/api/v1/invitations/accept", json: ["token": token, "password": password])
    }

    @Test("a tenant can raise the minimum length, and invitations then follow it")
    func tenantMinimumLength() async throws {
        let f = try await fixture()
        try await f.app.updateSettings(f.ownerToken, ["passwordMinLength": 12])
        let short = await accept(f.app, f.invited.token.value, "tr0mbone-ab")
        #expect(short.status == 422)
        #expect(short.errorField == "password")
        #expect(short.errorMessage?.contains("12") == true)
        // The refused attempt did not use up the link.
        let ok = await accept(f.app, f.invited.token.value, "tr0mbone-abc")
        #expect(ok.status == 200)
        #expect(ok.string("token")?.hasPrefix("mds_") == true)
    }

    @Test("128 characters are accepted through the API, 129 are refused")
    func maximumThroughAPI() async throws {
        let f = try await fixture()
        let long = String(String(repeating: "Kq7-w", count: 30).prefix(129))
        let refused = await accept(f.app, f.invited.token.value, long)
        #expect(refused.status == 422)
        #expect(refused.errorField == "password")
        let accepted = await accept(f.app, f.invited.token.value, String(long.dropLast()))
        #expect(accepted.status == 200)
        _ = try await f.app.login("acme", "new@acme.test", password: String(long.dropLast()))
    }

    @Test("a 1 MB password is refused fast with a 4xx and nothing is hashed")
    func hugePassword() async throws {
        let f = try await fixture()
        let huge = String(repeating: "x", count: 1 << 20)
        let verificationsBefore = f.app.environment.hasher.verificationCount
        let login = await f.app.loginResponse("acme", "owner@acme.test", password: huge)
        let acceptance = await accept(f.app, f.invited.token.value, huge)
        #expect((400..<500).contains(login.status))
        #expect((400..<500).contains(acceptance.status))
        // Refused before any scrypt (the expensive part): the hasher counted no verification. That
        // is the proof it was fast; a wall-clock bound here failed on a loaded machine.
        #expect(f.app.environment.hasher.verificationCount == verificationsBefore)
        // No hash was made: the invited user still has none, and the link still works.
        #expect(try await f.app.passwordHash(f.invited.user.id) == nil)
        #expect(try await f.app.userColumn("status", of: f.invited.user.id, as: String.self) == "invited")
        // An oversized password is not a guess: it does not count against the owner either.
        let owner = try #require(try await f.app.query("SELECT id FROM users WHERE email = 'owner@acme.test'").first)
        #expect(try await f.app.failedAttempts(try owner.decode("id")) == 0)
    }

    @Test("NFKC: a password set with fullwidth letters signs in with the ASCII form, and back")
    func normalisedSignIn() async throws {
        let f = try await fixture()
        #expect(await accept(f.app, f.invited.token.value, "ＴｒｏｍｂｏｎｅＬｉｇｈｔｈｏｕｓｅ").status == 200)
        _ = try await f.app.login("acme", "new@acme.test", password: "TromboneLighthouse")
        _ = try await f.app.login("acme", "new@acme.test", password: "ＴｒｏｍｂｏｎｅＬｉｇｈｔｈｏｕｓｅ")
        #expect(await f.app.loginResponse("acme", "new@acme.test", password: "trombonelighthouse").status == 401)
    }

    @Test("8 emoji are a valid password (code points, not bytes or graphemes)")
    func emojiPassword() async throws {
        let f = try await fixture()
        #expect(await accept(f.app, f.invited.token.value, String(repeating: "😀", count: 7)).status == 422)
        let emoji = "🎺🌊🐙🍋🚲🧭🪁🦉"
        #expect(await accept(f.app, f.invited.token.value, emoji).status == 200)
        _ = try await f.app.login("acme", "new@acme.test", password: emoji)
    }

    @Test("no truncation: the 99-character prefix of a 100-character password does not sign in")
    func noTruncation() async throws {
        let f = try await fixture()
        let password = String(repeating: "0123456789abcdefghijklmnopqrstuvwxyz", count: 3).prefix(100)
        #expect(password.count == 100)
        #expect(await accept(f.app, f.invited.token.value, String(password)).status == 200)
        #expect(await f.app.loginResponse("acme", "new@acme.test", password: String(password.dropLast())).status == 401)
        #expect(await f.app.loginResponse("acme", "new@acme.test", password: String(password) + "!").status == 401)
        _ = try await f.app.login("acme", "new@acme.test", password: String(password))
    }

    @Test(
        "common passwords, the email and the organization name are refused",
        arguments: ["password", "12345678", "football", "new@acme.test", "NEW@ACME.TEST", "Acme Inc"])
    func refusedValues(_ password: String) async throws {
        let f = try await fixture()
        let response = await accept(f.app, f.invited.token.value, password)
        #expect(response.status == 422)
        #expect(response.errorField == "password")
        #expect(try await f.app.passwordHash(f.invited.user.id) == nil)
    }

    @Test("the hash is a PHC scrypt string with its parameters and a per-user salt")
    func storage() async throws {
        let app = try await TestApp()
        let (_, owner) = try await app.makeTenant(slug: "acme")
        let other = try await app.makeUser(tenant: "acme", email: "other@acme.test")
        let first = try #require(try await app.passwordHash(owner.id))
        let second = try #require(try await app.passwordHash(other.id))
        #expect(first.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(first.split(separator: "$").count == 4)
        #expect(try PasswordHash.parameters(of: first) == .testing)
        // Same password, different salts, different hashes; the password itself is nowhere.
        #expect(first != second)
        #expect(first.split(separator: "$")[2] != second.split(separator: "$")[2])
        #expect(!first.contains(TestApp.password))
    }

    @Test("a hash with weaker parameters is raised at the next successful sign-in, not at a failed one")
    func rehashOnSignIn() async throws {
        let app = try await TestApp()
        let (_, owner) = try await app.makeTenant(slug: "acme")
        let weak = try PasswordHash.make(
            password: Array(TestApp.password.utf8), parameters: ScryptParameters(logN: 9, r: 8, p: 1))
        let ownerID = owner.id
        try await app.database.write { connection in
            _ = try connection.run("UPDATE users SET password_hash = ? WHERE id = ?", weak, ownerID)
        }
        #expect(await app.loginResponse("acme", "owner@acme.test", password: "wrong password!").status == 401)
        #expect(try await app.passwordHash(owner.id) == weak)

        let token = try await app.login("acme", "owner@acme.test")
        let raised = try #require(try await app.passwordHash(owner.id))
        #expect(raised != weak)
        #expect(raised.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try PasswordHash.parameters(of: raised) == app.environment.hasher.parameters)
        // The new hash still verifies the same password.
        _ = try await app.login("acme", "owner@acme.test")
        let events = try await app.auditEvents(token, ["action": "auth.login.succeeded", "targetId": owner.id])
        #expect(events.contains { ($0["details"] as? [String: Any])?["passwordRehashed"] as? Bool == true })
    }
}
