import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Session tokens, their storage and their lifetime (SECURITY.md "Sessions and the dashboard",
/// the server-side parts).
@Suite("Sessions")
struct SessionTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, owner: User) {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        return (app, tenant, owner)
    }

    func me(_ app: TestApp, _ token: String) async -> Int {
        await app.request(.get, "/api/v1/me", token: token).status
    }

    @Test("tokens carry at least 128 random bits and differ at every sign-in")
    func tokenShape() async throws {
        let (app, _, _) = try await fixture()
        var tokens: Set<String> = []
        for _ in 0..<20 {
            let token = try await app.login("acme", "owner@acme.test")
            #expect(token.hasPrefix(SecretToken.sessionPrefix))
            let secret = String(token.dropFirst(SecretToken.sessionPrefix.count))
            let bytes = try #require(Base64URL.decode(secret))
            #expect(bytes.count * 8 >= 128)
            #expect(secret.count >= 22)  // 128 bits in base64url
            tokens.insert(token)
        }
        #expect(tokens.count == 20)
    }

    @Test("fixation: three sign-ins give three different tokens, each its own session")
    func rotationAtSignIn() async throws {
        let (app, _, owner) = try await fixture()
        let first = try await app.login("acme", "owner@acme.test")
        // Presenting an existing token while signing in does not make the server re-use it.
        let second = await app.request(
            .post, "/api/v1/auth/login", token: first,
            json: ["tenant": "acme", "email": "owner@acme.test", "password": TestApp.password])
        let third = try await app.login("acme", "owner@acme.test")
        let secondToken = try #require(second.string("token"))
        #expect(Set([first, secondToken, third]).count == 3)
        #expect(try await app.sessionCount(userID: owner.id) == 3)
        let ids = try await app.query("SELECT id FROM sessions WHERE user_id = ?", [owner.id])
        #expect(Set(try ids.map { try $0.decode("id", as: String.self) }).count == 3)
    }

    @Test("the database stores only the SHA-256 of a token")
    func storedHashed() async throws {
        let (app, _, owner) = try await fixture()
        let token = try await app.login("acme", "owner@acme.test")
        let rows = try await app.query("SELECT * FROM sessions WHERE user_id = ?", [owner.id])
        let row = try #require(rows.first)
        #expect(try row.decode("token_hash", as: [UInt8].self) == Digest.sha256(Array(token.utf8)))
        let secret = String(token.dropFirst(SecretToken.sessionPrefix.count))
        for value in row.values {
            let text: String
            switch value {
            case .text(let string): text = string
            case .blob(let bytes): text = String(decoding: bytes, as: UTF8.self) + Hex.encode(bytes)
            default: continue
            }
            #expect(!text.contains(secret))
        }
        // Nor does any other table (the audit log included).
        #expect(!(try await app.allAuditDetails()).contains(secret))
    }

    @Test("idle timeout: 31 minutes without use ends the session")
    func idleTimeout() async throws {
        let (app, tenant, _) = try await fixture()
        let token = try await app.login("acme", "owner@acme.test")
        app.clock.advance(by: 29 * 60)
        #expect(await me(app, token) == 200)
        app.clock.advance(by: 31 * 60)
        #expect(await me(app, token) == 401)
        // The row is gone and the end is audited.
        #expect(try await app.query("SELECT id FROM sessions").isEmpty)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "auth.session.ended") == 1)
        app.clock.advance(by: -40 * 60)
        #expect(await me(app, token) == 401)
    }

    @Test("absolute timeout: used every 20 minutes, a session still ends 12 hours after sign-in")
    func absoluteTimeout() async throws {
        let (app, _, _) = try await fixture()
        let token = try await app.login("acme", "owner@acme.test")
        for step in 1..<36 {
            app.clock.advance(by: 20 * 60)
            #expect(await me(app, token) == 200, "after \(step * 20) minutes")
        }
        app.clock.advance(by: 20 * 60)  // 12 h
        #expect(await me(app, token) == 401)
    }

    @Test("shorter tenant limits apply to sessions that already exist")
    func tenantLimits() async throws {
        let (app, _, _) = try await fixture()
        let admin = try await app.login("acme", "owner@acme.test")
        let idle = try await app.login("acme", "owner@acme.test")
        let busy = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(admin, ["sessionIdleMinutes": 10, "sessionAbsoluteHours": 1])
        app.clock.advance(by: 9 * 60)
        #expect(await me(app, busy) == 200)
        #expect(await me(app, admin) == 200)
        app.clock.advance(by: 2 * 60)  // 11 minutes: idle over 10
        #expect(await me(app, idle) == 401)
        #expect(await me(app, busy) == 200)
        for _ in 0..<5 {
            app.clock.advance(by: 9 * 60)
            #expect(await me(app, busy) == 200)
        }
        app.clock.advance(by: 5 * 60)  // 61 minutes after sign-in
        #expect(await me(app, busy) == 401)
        // A new sign-in gets the new absolute limit in its expiry.
        let response = await app.loginResponse("acme", "owner@acme.test")
        let expires = try #require(response.string("expiresAt"))
        #expect(expires == Timestamp.iso8601(app.clock.now().addingTimeInterval(3600)))
    }

    @Test("sign-out deletes the session server-side; other sessions stay")
    func signOut() async throws {
        let (app, tenant, owner) = try await fixture()
        let token = try await app.login("acme", "owner@acme.test")
        let other = try await app.login("acme", "owner@acme.test")
        #expect(await app.request(.post, "/api/v1/auth/logout", token: token).status == 204)
        #expect(await me(app, token) == 401)
        #expect(await app.request(.post, "/api/v1/auth/logout", token: token).status == 401)
        let rows = try await app.query("SELECT token_hash FROM sessions WHERE user_id = ?", [owner.id])
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("token_hash", as: [UInt8].self) == Digest.sha256(Array(other.utf8)))
        #expect(await me(app, other) == 200)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "auth.logout") == 1)
    }

    @Test("suspending a user ends all their sessions; reinstating does not revive them")
    func suspensionEndsSessions() async throws {
        let (app, _, _) = try await fixture()
        let admin = try await app.login("acme", "owner@acme.test")
        let user = try await app.makeUser(tenant: "acme", email: "user@acme.test")
        let sessions = [
            try await app.login("acme", "user@acme.test"), try await app.login("acme", "user@acme.test"),
        ]
        let suspend = await app.request(
            .patch, "/api/v1/users/\(user.id)", token: admin, json: ["status": "suspended"])
        #expect(suspend.status == 200)
        #expect(suspend.json["status"] as? String == "suspended")
        #expect(try await app.sessionCount(userID: user.id) == 0)
        for token in sessions { #expect(await me(app, token) == 401) }
        #expect(await app.loginResponse("acme", "user@acme.test").status == 401)

        let reinstate = await app.request(.patch, "/api/v1/users/\(user.id)", token: admin, json: ["status": "active"])
        #expect(reinstate.status == 200)
        for token in sessions { #expect(await me(app, token) == 401) }
        _ = try await app.login("acme", "user@acme.test")
    }

    @Test("malformed and unknown bearer tokens are refused with 401")
    func badTokens() async throws {
        let (app, _, _) = try await fixture()
        let token = try await app.login("acme", "owner@acme.test")
        for bad in ["", "mds_", "mds_" + String(repeating: "A", count: 43), String(token.dropLast()), "Basic abc"] {
            #expect(await me(app, bad) == 401, "\(bad)")
        }
        let none = await app.request(.get, "/api/v1/me")
        #expect(none.status == 401)
        #expect(none.headers["WWW-Authenticate"] != nil)
        let huge = await app.request(.get, "/api/v1/me", token: "mds_" + String(repeating: "x", count: 100_000))
        #expect(huge.status == 401)
    }
}
