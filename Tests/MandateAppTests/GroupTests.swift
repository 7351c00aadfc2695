import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `/api/v1/groups` and memberships (`addedAt` starts enforcement periods, so it must not move).
@Suite("Groups")
struct GroupTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, token: String) {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        return (app, tenant, try await app.login("acme", "owner@acme.test"))
    }

    func createGroup(_ app: TestApp, _ token: String, _ name: String) async throws -> String {
        let response = await app.request(.post, "/api/v1/groups", token: token, json: ["name": name])
        guard response.status == 201, let id = response.string("id") else {
            throw TestFailure("group \(name): \(response.status) \(response.text)")
        }
        return id
    }

    @Test("create, read, list, rename and delete")
    func crud() async throws {
        let (app, tenant, token) = try await fixture()
        let created = await app.request(
            .post, "/api/v1/groups", token: token, json: ["name": "  Engineering ", "description": "Builders"])
        #expect(created.status == 201)
        #expect(created.string("name") == "Engineering")
        #expect(created.json["memberCount"] as? Int == 0)
        let id = try #require(created.string("id"))
        #expect(id.hasPrefix("grp_"))
        _ = try await createGroup(app, token, "Design")

        #expect(await app.request(.get, "/api/v1/groups/\(id)", token: token).string("description") == "Builders")
        let list = await app.request(.get, "/api/v1/groups", token: token)
        #expect(list.items.compactMap { $0["name"] as? String } == ["Design", "Engineering"])

        let renamed = await app.request(.patch, "/api/v1/groups/\(id)", token: token, json: ["name": "Platform"])
        #expect(renamed.status == 200)
        #expect(renamed.string("name") == "Platform")
        #expect(renamed.string("description") == "Builders")
        let clash = await app.request(.patch, "/api/v1/groups/\(id)", token: token, json: ["name": "Design"])
        #expect(clash.status == 409)
        let duplicate = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Design"])
        #expect(duplicate.status == 409)
        let unknown = await app.request(.patch, "/api/v1/groups/\(id)", token: token, json: ["title": "x"])
        #expect(unknown.status == 422)
        #expect(unknown.errorMessage?.contains("'title'") == true)
        for name in ["", "   ", String(repeating: "g", count: 81), "tab\tname"] {
            let bad = await app.request(.post, "/api/v1/groups", token: token, json: ["name": name])
            #expect(bad.status == 422, "\(name)")
        }
        let missing = await app.request(.post, "/api/v1/groups", token: token, json: ["description": "no name"])
        #expect(missing.status == 422)

        #expect(await app.request(.delete, "/api/v1/groups/\(id)", token: token).status == 204)
        #expect(await app.request(.get, "/api/v1/groups/\(id)", token: token).status == 404)
        #expect(await app.request(.delete, "/api/v1/groups/\(id)", token: token).status == 404)
        for action in ["group.created", "group.updated", "group.deleted"] {
            #expect(
                try await app.auditCount(tenantID: tenant.id, action: action) == (action == "group.created" ? 2 : 1))
        }
    }

    @Test("adding members: a re-add keeps the original addedAt; new members get today's")
    func membershipDates() async throws {
        let (app, tenant, firstToken) = try await fixture()
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let bob = try await app.makeUser(tenant: "acme", email: "bob@acme.test")
        let id = try await createGroup(app, firstToken, "Engineering")
        let firstDate = Timestamp.iso8601(app.clock.now())
        let first = await app.request(
            .post, "/api/v1/groups/\(id)/members", token: firstToken, json: ["userIds": [ada.id]])
        #expect(first.status == 200)

        app.clock.advance(by: 3 * 86_400)
        let token = try await app.login("acme", "owner@acme.test")  // the first session idled out
        let secondDate = Timestamp.iso8601(app.clock.now())
        let second = await app.request(
            .post, "/api/v1/groups/\(id)/members", token: token, json: ["userIds": [ada.id, bob.id, bob.id]])
        #expect(second.status == 200)
        var dates: [String: String] = [:]
        for item in second.items {
            if let email = (item["user"] as? [String: Any])?["email"] as? String {
                dates[email] = item["addedAt"] as? String
            }
        }
        #expect(dates == ["ada@acme.test": firstDate, "bob@acme.test": secondDate])
        #expect(await app.request(.get, "/api/v1/groups/\(id)", token: token).json["memberCount"] as? Int == 2)
        // Only really new members are audited.
        let events = try await app.auditEvents(token, ["action": "group.members.added"])
        #expect(events.count == 2)
        #expect((events.first?["details"] as? [String: Any])?["userIds"] as? [String] == [bob.id])
        // Re-adding only existing members writes nothing.
        _ = await app.request(.post, "/api/v1/groups/\(id)/members", token: token, json: ["userIds": [ada.id]])
        #expect(try await app.auditCount(tenantID: tenant.id, action: "group.members.added") == 2)
    }

    @Test("removing a member, and removing a non-member is a 404")
    func removal() async throws {
        let (app, tenant, token) = try await fixture()
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let bob = try await app.makeUser(tenant: "acme", email: "bob@acme.test")
        let id = try await createGroup(app, token, "Engineering")
        _ = await app.request(.post, "/api/v1/groups/\(id)/members", token: token, json: ["userIds": [ada.id, bob.id]])
        #expect(await app.request(.delete, "/api/v1/groups/\(id)/members/\(ada.id)", token: token).status == 204)
        let members = await app.request(.get, "/api/v1/groups/\(id)/members", token: token)
        #expect(members.items.compactMap { ($0["user"] as? [String: Any])?["id"] as? String } == [bob.id])
        #expect(await app.request(.delete, "/api/v1/groups/\(id)/members/\(ada.id)", token: token).status == 404)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "group.members.removed") == 1)
        // Deleting the group removes its memberships, not the users.
        #expect(await app.request(.delete, "/api/v1/groups/\(id)", token: token).status == 204)
        #expect(try await app.query("SELECT * FROM group_members").isEmpty)
        #expect(await app.request(.get, "/api/v1/users/\(bob.id)", token: token).status == 200)
    }

    @Test("a user id that is not in this organization is refused and nothing is added")
    func foreignUser() async throws {
        let (app, _, token) = try await fixture()
        let (_, stranger) = try await app.makeTenant(slug: "other")
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let id = try await createGroup(app, token, "Engineering")
        for userIDs in [[ada.id, stranger.id], ["usr_aaaaaaaaaaaaaaaa"], [], ["not an id"]] {
            let response = await app.request(
                .post, "/api/v1/groups/\(id)/members", token: token, json: ["userIds": userIDs])
            #expect(response.status == 422, "\(userIDs)")
            #expect(response.errorField == "userIds")
        }
        #expect(await app.request(.get, "/api/v1/groups/\(id)/members", token: token).items.isEmpty)
    }
}
