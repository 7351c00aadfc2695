import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `POST /api/v1/me/password` (SECURITY.md: "Changing a password needs the current one and ends
/// the user's other sessions").
@Suite("Changing a password")
struct PasswordChangeTests {
    func change(_ app: TestApp, _ token: String, current: String, new: String) async -> TestApp.Response {
        await app.request(
            .post, "/api/v1/me/password", token: token, json: ["currentPassword": current, "newPassword": new])
    }

    @Test("a wrong current password is refused and counts as a failure")
    func wrongCurrentPassword() async throws {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let response = await change(app, token, current: "not my password", new: "a brand new passphrase")
        #expect(response.status == 422)
        #expect(response.errorField == "currentPassword")
        #expect(try await app.failedAttempts(owner.id) == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.password.change_failed") == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.password.changed") == 0)
        // Nothing changed: the old password still works, the new one does not.
        #expect(await app.loginResponse("acme", "owner@acme.test", password: "a brand new passphrase").status == 401)
        _ = try await app.login("acme", "owner@acme.test")
    }

    @Test("wrong current passwords share the sign-in counter and lock the account at the threshold")
    func wrongCurrentPasswordLocks() async throws {
        let app = try await TestApp()
        let (_, owner) = try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        for _ in 0..<9 {
            #expect(await app.loginResponse("acme", "owner@acme.test", password: "guess guess guess").status == 401)
        }
        #expect(await change(app, token, current: "still guessing", new: "a brand new passphrase").status == 422)
        #expect(try await app.failedAttempts(owner.id) == 10)
        #expect(await app.loginResponse("acme", "owner@acme.test").status == 401)
    }

    @Test(
        "while the account is locked a change is refused like a wrong password, even with the right one, and not counted"
    )
    func lockedAccountCannotChange() async throws {
        let app = try await TestApp()
        let (_, owner) = try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        for _ in 0..<10 {
            _ = await app.loginResponse("acme", "owner@acme.test", password: "guess guess guess")
        }
        let hash = try await app.passwordHash(owner.id)
        // A stolen session must not become a way around the lock: the right current password
        // gets the same answer as a wrong one, and neither is counted.
        let right = await change(app, token, current: TestApp.password, new: "a brand new passphrase")
        let wrong = await change(app, token, current: "still guessing", new: "a brand new passphrase")
        #expect(right.status == 422)
        #expect(right.body == wrong.body)
        #expect(try await app.failedAttempts(owner.id) == 10)
        #expect(try await app.passwordHash(owner.id) == hash)
        app.clock.advance(by: 61)
        #expect(await change(app, token, current: TestApp.password, new: "a brand new passphrase").status == 204)
    }

    @Test("a change ends every other session of the user but keeps the current one")
    func endsOtherSessions() async throws {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let colleague = try await app.makeUser(tenant: "acme", email: "colleague@acme.test")
        let current = try await app.login("acme", "owner@acme.test")
        let laptop = try await app.login("acme", "owner@acme.test")
        let phone = try await app.login("acme", "owner@acme.test")
        let colleagueToken = try await app.login("acme", "colleague@acme.test")
        #expect(try await app.sessionCount(userID: owner.id) == 3)

        #expect(await change(app, current, current: TestApp.password, new: "a brand new passphrase").status == 204)
        #expect(await app.request(.get, "/api/v1/me", token: current).status == 200)
        #expect(await app.request(.get, "/api/v1/me", token: laptop).status == 401)
        #expect(await app.request(.get, "/api/v1/me", token: phone).status == 401)
        #expect(try await app.sessionCount(userID: owner.id) == 1)
        // Other users' sessions are untouched.
        #expect(await app.request(.get, "/api/v1/me", token: colleagueToken).status == 200)
        #expect(try await app.sessionCount(userID: colleague.id) == 1)

        #expect(await app.loginResponse("acme", "owner@acme.test").status == 401)
        _ = try await app.login("acme", "owner@acme.test", password: "a brand new passphrase")
        let events = try await app.auditEvents(current, ["action": "user.password.changed"])
        #expect(events.count == 1)
        #expect((events.first?["details"] as? [String: Any])?["otherSessionsEnded"] as? Int == 2)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.password.changed") == 1)
    }

    @Test("the new password follows the policy, and a refused one changes nothing")
    func newPasswordPolicy() async throws {
        let app = try await TestApp()
        let (_, owner) = try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let other = try await app.login("acme", "owner@acme.test")
        let before = try await app.passwordHash(owner.id)
        for refused in ["password", "short", "owner@acme.test", "Acme Inc", String(repeating: "b", count: 129)] {
            let response = await change(app, token, current: TestApp.password, new: refused)
            #expect(response.status == 422, "\(refused)")
            #expect(response.errorField == "password")
        }
        #expect(try await app.passwordHash(owner.id) == before)
        #expect(await app.request(.get, "/api/v1/me", token: other).status == 200)
    }

    @Test("an API key has no password to change")
    func apiKeyCannotChange() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let created = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "robot"])
        let secret = try #require(created.string("secret"))
        let response = await change(app, secret, current: TestApp.password, new: "a brand new passphrase")
        #expect(response.status == 403)
    }
}
