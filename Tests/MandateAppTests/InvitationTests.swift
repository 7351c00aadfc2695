import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Invitations: a single-use link valid for 7 days, stored hashed; accepting it activates the user.
@Suite("Invitations")
struct InvitationTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, token: String) {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        return (app, tenant, try await app.login("acme", "owner@acme.test"))
    }

    func accept(_ app: TestApp, _ token: String, password: String = "a fine new passphrase") async -> TestApp.Response {
        await app.request(.post, "/api/v1/invitations/accept", json: ["token": token, "password": password])
    }

    @Test("POST /users creates an invited user with a 7-day invitation and never returns the token")
    func inviteThroughAPI() async throws {
        let (app, tenant, token) = try await fixture()
        let response = await app.request(
            .post, "/api/v1/users", token: token, json: ["email": " New.Person@ACME.test ", "name": "New Person"])
        #expect(response.status == 201)
        let user = try #require(response.object("user"))
        #expect(user["status"] as? String == "invited")
        #expect(user["email"] as? String == "new.person@acme.test")
        #expect(user["role"] as? String == "member")
        let invitation = try #require(response.object("invitation"))
        #expect(invitation["expiresAt"] as? String == Timestamp.iso8601(app.clock.now().addingTimeInterval(7 * 86_400)))
        #expect(!response.text.contains(SecretToken.invitationPrefix))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.invited") == 1)
        let stored = try await app.query("SELECT token_hash, expires_at FROM invitations")
        #expect(stored.count == 1)
        #expect(try stored[0].decode("token_hash", as: [UInt8].self).count == 32)
    }

    @Test("the token has 256 random bits and only its SHA-256 is stored")
    func tokenStoredHashed() async throws {
        let (app, _, token) = try await fixture()
        let invited = try await app.invite(token, email: "new@acme.test")
        let secret = String(invited.token.value.dropFirst(SecretToken.invitationPrefix.count))
        #expect(try #require(Base64URL.decode(secret)).count == 32)
        let row = try #require(try await app.query("SELECT * FROM invitations").first)
        #expect(try row.decode("token_hash", as: [UInt8].self) == Digest.sha256(Array(invited.token.value.utf8)))
        for value in row.values {
            if case .text(let text) = value { #expect(!text.contains(secret)) }
        }
        #expect(!(try await app.allAuditDetails()).contains(secret))
    }

    @Test("accepting activates the user and returns a working session")
    func accept() async throws {
        let (app, tenant, token) = try await fixture()
        let invited = try await app.invite(token, email: "new@acme.test")
        let response = await app.request(
            .post, "/api/v1/invitations/accept",
            json: ["token": invited.token.value, "password": "a fine new passphrase", "name": "Nova"])
        #expect(response.status == 200)
        #expect(response.headers["Cache-Control"] == "no-store")
        let session = try #require(response.string("token"))
        let me = await app.request(.get, "/api/v1/me", token: session)
        #expect(me.status == 200)
        #expect((me.object("user"))?["status"] as? String == "active")
        #expect((me.object("user"))?["name"] as? String == "Nova")
        #expect(try await app.userColumn("activated_at", of: invited.user.id, as: Int64?.self) != nil)
        _ = try await app.login("acme", "new@acme.test", password: "a fine new passphrase")
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.activated") == 1)
    }

    @Test("a second use answers 422 with exactly the message of an unknown token")
    func singleUse() async throws {
        let (app, _, token) = try await fixture()
        let invited = try await app.invite(token, email: "new@acme.test")
        #expect(await accept(app, invited.token.value).status == 200)
        let again = await accept(app, invited.token.value, password: "another passphrase!")
        let unknown = await accept(app, "mdi_" + String(repeating: "A", count: 43))
        let garbage = await accept(app, "nonsense")
        #expect(again.status == 422)
        #expect(again.errorMessage == CredentialService.invalidInvitationMessage)
        #expect(again.body == unknown.body)
        #expect(again.body == garbage.body)
        // The second use did not change the password.
        _ = try await app.login("acme", "new@acme.test", password: "a fine new passphrase")
    }

    @Test("two parallel acceptances: exactly one wins")
    func parallelAcceptance() async throws {
        let (app, _, token) = try await fixture()
        let invited = try await app.invite(token, email: "new@acme.test")
        async let first = accept(app, invited.token.value, password: "first passphrase here")
        async let second = accept(app, invited.token.value, password: "second passphrase here")
        let statuses = [await first.status, await second.status].sorted()
        #expect(statuses == [200, 422])
        #expect(try await app.query("SELECT id FROM sessions WHERE user_id = ?", [invited.user.id]).count == 1)
    }

    @Test("a link expires after 7 days")
    func expiry() async throws {
        let (app, _, token) = try await fixture()
        let early = try await app.invite(token, email: "early@acme.test")
        let late = try await app.invite(token, email: "late@acme.test")
        app.clock.advance(by: 7 * 86_400 - 1)
        #expect(await accept(app, early.token.value).status == 200)
        app.clock.advance(by: 1)
        let expired = await accept(app, late.token.value)
        #expect(expired.status == 422)
        #expect(expired.errorMessage == CredentialService.invalidInvitationMessage)
        #expect(try await app.userColumn("status", of: late.user.id, as: String.self) == "invited")
    }

    @Test("resending revokes the old link; the new one works and is valid 7 days from the resend")
    func resend() async throws {
        let (app, tenant, firstToken) = try await fixture()
        let first = try await app.invite(firstToken, email: "new@acme.test")
        app.clock.advance(by: 6 * 86_400)
        let token = try await app.login("acme", "owner@acme.test")  // the first session idled out
        let response = await app.request(.post, "/api/v1/users/\(first.user.id)/invitation", token: token)
        #expect(response.status == 201)
        #expect(!response.text.contains(SecretToken.invitationPrefix))
        #expect(
            response.object("invitation")?["expiresAt"] as? String
                == Timestamp.iso8601(app.clock.now().addingTimeInterval(7 * 86_400)))
        #expect(await accept(app, first.token.value).status == 422)
        // The core service hands out the new token (the API only emails it).
        let second = try await UserService(environment: app.environment).resendInvitation(
            try await app.principal(token), userID: first.user.id, origin: TestApp.origin)
        app.clock.advance(by: 3 * 86_400)  // 9 days after the first invitation
        #expect(await accept(app, second.token.value).status == 200)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.invitation.resent") == 2)
        // Resending to an active user is a conflict.
        let later = try await app.login("acme", "owner@acme.test")
        let active = await app.request(.post, "/api/v1/users/\(first.user.id)/invitation", token: later)
        #expect(active.status == 409)
    }

    @Test("suspending an invited user revokes their link")
    func suspensionRevokes() async throws {
        let (app, _, token) = try await fixture()
        let invited = try await app.invite(token, email: "new@acme.test")
        let suspend = await app.request(
            .patch, "/api/v1/users/\(invited.user.id)", token: token, json: ["status": "suspended"])
        #expect(suspend.status == 200)
        #expect(await accept(app, invited.token.value).status == 422)
        // Reinstating puts them back to invited (never to active without a password).
        let reinstate = await app.request(
            .patch, "/api/v1/users/\(invited.user.id)", token: token, json: ["status": "active"])
        #expect(reinstate.string("status") == "invited")
    }

    @Test("inviting an existing email is a conflict and invalid emails are refused")
    func inviteValidation() async throws {
        let (app, _, token) = try await fixture()
        let duplicate = await app.request(.post, "/api/v1/users", token: token, json: ["email": "OWNER@acme.test"])
        #expect(duplicate.status == 409)
        for email in ["", "no-at-sign", "two@@acme.test", "a@b", "spaces in@acme.test"] {
            let response = await app.request(.post, "/api/v1/users", token: token, json: ["email": email])
            #expect(response.status == 422, "\(email)")
            #expect(response.errorField == "email")
        }
        let missing = await app.request(.post, "/api/v1/users", token: token, json: ["name": "No Email"])
        #expect((400..<500).contains(missing.status))
        #expect(try await app.query("SELECT id FROM users").count == 1)
    }
}
