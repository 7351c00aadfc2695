import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Tenant API keys: the secret is shown once, stored hashed, works as a bearer token until revoked.
@Suite("API keys")
struct APIKeyTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, token: String) {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        return (app, tenant, try await app.login("acme", "owner@acme.test"))
    }

    @Test("creation shows the secret once; listing never shows it again")
    func secretShownOnce() async throws {
        let (app, _, token) = try await fixture()
        let created = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "HR provisioning"])
        #expect(created.status == 201)
        #expect(created.headers["Cache-Control"] == "no-store")
        let secret = try #require(created.string("secret"))
        #expect(secret.hasPrefix(SecretToken.apiKeyPrefix))
        let bytes = try #require(Base64URL.decode(String(secret.dropFirst(SecretToken.apiKeyPrefix.count))))
        #expect(bytes.count >= 16)
        let key = try #require(created.object("apiKey"))
        #expect(key["name"] as? String == "HR provisioning")
        #expect((key["prefix"] as? String).map { secret.hasPrefix($0) } == true)

        let list = await app.request(.get, "/api/v1/api-keys", token: token)
        #expect(list.status == 200)
        #expect(list.items.count == 1)
        #expect(!list.text.contains(secret))
        #expect(!list.text.contains(String(secret.dropFirst(10))))
        #expect(list.items.first?["secret"] == nil)
    }

    @Test("the key is stored only as its SHA-256")
    func storedHashed() async throws {
        let (app, _, token) = try await fixture()
        let created = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "robot"])
        let secret = try #require(created.string("secret"))
        let row = try #require(try await app.query("SELECT * FROM api_keys").first)
        #expect(try row.decode("token_hash", as: [UInt8].self) == Digest.sha256(Array(secret.utf8)))
        let tail = String(secret.dropFirst(10))
        for value in row.values {
            if case .text(let text) = value { #expect(!text.contains(tail)) }
        }
        let audit = try await app.query("SELECT details FROM audit_events WHERE action = 'api_key.created'")
        #expect(!(try audit.first?.decode("details", as: String.self) ?? "").contains(tail))
    }

    @Test("the key works as a bearer token with admin rights, and not after it is revoked")
    func bearerAndRevocation() async throws {
        let (app, tenant, token) = try await fixture()
        let created = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "robot"])
        let secret = try #require(created.string("secret"))
        let id = try #require(created.object("apiKey")?["id"] as? String)

        let users = await app.request(.get, "/api/v1/users", token: secret)
        #expect(users.status == 200)
        let me = await app.request(.get, "/api/v1/me", token: secret)
        #expect(me.object("apiKey")?["id"] as? String == id)
        #expect(me.json["user"] == nil || me.json["user"] is NSNull)
        // Its actions are attributed to the key in the audit log.
        let group = await app.request(.post, "/api/v1/groups", token: secret, json: ["name": "Robots"])
        #expect(group.status == 201)
        let events = try await app.auditEvents(token, ["action": "group.created"])
        #expect((events.first?["actor"] as? [String: Any])?["type"] as? String == "api_key")
        #expect((events.first?["actor"] as? [String: Any])?["id"] as? String == id)
        // An API key is an admin: it cannot make owners.
        let owner = await app.request(
            .post, "/api/v1/users", token: secret, json: ["email": "boss@acme.test", "role": "owner"])
        #expect(owner.status == 403)

        #expect(await app.request(.delete, "/api/v1/api-keys/\(id)", token: token).status == 204)
        #expect(await app.request(.get, "/api/v1/users", token: secret).status == 401)
        let listed = await app.request(.get, "/api/v1/api-keys", token: token)
        #expect(listed.items.first?["revokedAt"] as? String != nil)
        // Revoking again changes nothing and writes no second event.
        #expect(await app.request(.delete, "/api/v1/api-keys/\(id)", token: token).status == 204)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "api_key.revoked") == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "api_key.created") == 1)
    }

    @Test("a key can revoke itself and then stops working")
    func selfRevocation() async throws {
        let (app, _, token) = try await fixture()
        let created = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "robot"])
        let secret = try #require(created.string("secret"))
        let id = try #require(created.object("apiKey")?["id"] as? String)
        #expect(await app.request(.delete, "/api/v1/api-keys/\(id)", token: secret).status == 204)
        #expect(await app.request(.get, "/api/v1/api-keys", token: secret).status == 401)
    }

    @Test("names are required (1–80 characters) and unknown fields are refused")
    func validation() async throws {
        let (app, _, token) = try await fixture()
        for name in ["", "   ", String(repeating: "k", count: 81)] {
            let response = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": name])
            #expect(response.status == 422)
            #expect(response.errorField == "name")
        }
        let unknown = await app.request(
            .post, "/api/v1/api-keys", token: token, json: ["name": "robot", "scopes": ["all"]])
        #expect(unknown.status == 422)
        #expect(unknown.errorMessage?.contains("scopes") == true)
        #expect(await app.request(.get, "/api/v1/api-keys", token: token).items.isEmpty)
    }
}
