import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `GET /api/v1/users`: keyset pagination, search and filters.
@Suite("Listing users")
struct UserListTests {
    func emails(_ response: TestApp.Response) -> [String] {
        response.items.compactMap { $0["email"] as? String }
    }

    func list(_ app: TestApp, _ token: String, _ parameters: [String: String]) async -> TestApp.Response {
        await app.request(.get, "/api/v1/users" + TestApp.queryString(parameters), token: token)
    }

    @Test("cursor pagination walks every user once, in order, with no gaps or duplicates")
    func pagination() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        for index in 0..<22 {
            _ = try await app.invite(token, email: String(format: "user%02d@acme.test", (index * 7) % 22))
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            var parameters = ["limit": "5"]
            parameters["cursor"] = cursor
            let page = await list(app, token, parameters)
            #expect(page.status == 200)
            #expect(emails(page).count <= 5)
            seen += emails(page)
            cursor = page.string("nextCursor")
            pages += 1
            // A user invited in the middle of the walk, after the cursor, shows up; none repeats.
            if pages == 2 { _ = try await app.invite(token, email: "zz-late@acme.test") }
        } while cursor != nil && pages < 20
        #expect(pages == 5)
        #expect(seen.count == 24)
        #expect(Set(seen).count == seen.count)
        #expect(seen == seen.sorted())
        #expect(seen.contains("owner@acme.test"))
        #expect(seen.last == "zz-late@acme.test")
        let bad = await list(app, token, ["cursor": "!!!not a cursor"])
        #expect(bad.status == 422)
        #expect(await list(app, token, ["limit": "0"]).status == 422)
        #expect(await list(app, token, ["limit": "201"]).status == 422)
    }

    @Test("search matches email or name, case-insensitively, and treats % and _ literally")
    func search() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        _ = try await app.invite(token, email: "ada_lovelace@acme.test", name: "Ada")
        _ = try await app.invite(token, email: "adaxlovelace@acme.test", name: "Not Ada")
        _ = try await app.invite(token, email: "grace@acme.test", name: "Grace 100% Hopper")
        _ = try await app.invite(token, email: "alan@acme.test", name: "Alan 1000 Turing")
        _ = try await app.invite(token, email: "back\\slash@acme.test", name: "Backslash")

        #expect(emails(await list(app, token, ["q": "_"])) == ["ada_lovelace@acme.test"])
        #expect(emails(await list(app, token, ["q": "a_l"])) == ["ada_lovelace@acme.test"])
        #expect(emails(await list(app, token, ["q": "%"])) == ["grace@acme.test"])
        #expect(emails(await list(app, token, ["q": "100%"])) == ["grace@acme.test"])
        #expect(emails(await list(app, token, ["q": "\\"])) == ["back\\slash@acme.test"])
        #expect(emails(await list(app, token, ["q": "HOPPER"])) == ["grace@acme.test"])
        #expect(
            emails(await list(app, token, ["q": "lovelace"])) == ["ada_lovelace@acme.test", "adaxlovelace@acme.test"])
        #expect(emails(await list(app, token, ["q": "turing"])) == ["alan@acme.test"])
        #expect(emails(await list(app, token, ["q": "nobody"])).isEmpty)
    }

    @Test("status and role filters, alone and combined with search")
    func filters() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        try await app.makeUser(tenant: "acme", email: "admin@acme.test", role: .admin)
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        _ = try await app.invite(token, email: "invited@acme.test")
        _ = try await app.invite(token, email: "invited-admin@acme.test", role: .admin)
        #expect(
            await app.request(.patch, "/api/v1/users/\(member.id)", token: token, json: ["status": "suspended"]).status
                == 200)

        #expect(
            emails(await list(app, token, ["status": "invited"])) == ["invited-admin@acme.test", "invited@acme.test"])
        #expect(emails(await list(app, token, ["status": "suspended"])) == ["member@acme.test"])
        #expect(emails(await list(app, token, ["status": "active"])) == ["admin@acme.test", "owner@acme.test"])
        #expect(emails(await list(app, token, ["role": "admin"])) == ["admin@acme.test", "invited-admin@acme.test"])
        #expect(emails(await list(app, token, ["role": "owner"])) == ["owner@acme.test"])
        #expect(emails(await list(app, token, ["role": "admin", "status": "invited"])) == ["invited-admin@acme.test"])
        #expect(emails(await list(app, token, ["role": "admin", "q": "invited"])) == ["invited-admin@acme.test"])
        #expect(await list(app, token, ["status": "deleted"]).status == 422)
        #expect(await list(app, token, ["role": "root"]).status == 422)
    }
}
