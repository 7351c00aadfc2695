import Foundation
import HTTPServer
import MandateCore
import Testing

@Suite("API smoke")
struct SmokeTests {
    @Test("an owner signs in, reads /me, and lists users")
    func signInAndList() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let me = await app.request(.get, "/api/v1/me", token: token)
        #expect(me.status == 200)
        #expect((me.json["user"] as? [String: Any])?["email"] as? String == "owner@acme.test")
        let users = await app.request(.get, "/api/v1/users", token: token)
        #expect(users.status == 200)
        #expect(users.items.count == 1)
    }
}
