import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Who may do what: members, admins and owners (DESIGN.md §3 "Tenants, users, groups").
@Suite("Roles")
struct RoleTests {
    struct Fixture {
        let app: TestApp
        let tenant: Tenant
        let owner: User
        let admin: User
        let member: User
        let ownerToken: String
        let adminToken: String
        let memberToken: String
    }

    func fixture() async throws -> Fixture {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let admin = try await app.makeUser(tenant: "acme", email: "admin@acme.test", role: .admin)
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        return Fixture(
            app: app, tenant: tenant, owner: owner, admin: admin, member: member,
            ownerToken: try await app.login("acme", "owner@acme.test"),
            adminToken: try await app.login("acme", "admin@acme.test"),
            memberToken: try await app.login("acme", "member@acme.test"))
    }

    @Test("members get 403 on every administrative endpoint, and change nothing")
    func membersForbidden() async throws {
        let f = try await fixture()
        let auditBefore = try await f.app.query("SELECT COUNT(*) AS n FROM audit_events").first?.decode(
            "n", as: Int.self)
        let calls: [(HTTPMethod, String, [String: Any]?)] = [
            (.get, "/api/v1/users", nil),
            (.post, "/api/v1/users", ["email": "new@acme.test"]),
            (.get, "/api/v1/users/\(f.admin.id)", nil),
            (.patch, "/api/v1/users/\(f.admin.id)", ["name": "Demoted"]),
            (.patch, "/api/v1/users/\(f.member.id)", ["role": "admin"]),
            (.post, "/api/v1/users/\(f.admin.id)/unlock", nil),
            (.post, "/api/v1/users/\(f.admin.id)/invitation", nil),
            (.get, "/api/v1/groups", nil),
            (.post, "/api/v1/groups", ["name": "Mine"]),
            (.get, "/api/v1/api-keys", nil),
            (.post, "/api/v1/api-keys", ["name": "mine"]),
            (.get, "/api/v1/audit-events", nil),
            (.get, "/api/v1/organization/settings", nil),
            (.patch, "/api/v1/organization/settings", ["passwordMinLength": 20]),
        ]
        for (method, target, body) in calls {
            let response = await f.app.request(method, target, token: f.memberToken, json: body)
            #expect(response.status == 403, "\(method) \(target): \(response.status) \(response.text)")
            #expect(response.errorCode == "forbidden")
        }
        let auditAfter = try await f.app.query("SELECT COUNT(*) AS n FROM audit_events").first?.decode(
            "n", as: Int.self)
        #expect(auditAfter == auditBefore)
        #expect(try await f.app.userColumn("role", of: f.member.id, as: String.self) == "member")
    }

    @Test("a member can read their own account and /me")
    func memberReadsSelf() async throws {
        let f = try await fixture()
        let me = await f.app.request(.get, "/api/v1/users/\(f.member.id)", token: f.memberToken)
        #expect(me.status == 200)
        #expect(me.string("email") == "member@acme.test")
        #expect(me.json["passwordHash"] == nil)
        #expect(await f.app.request(.get, "/api/v1/me", token: f.memberToken).status == 200)
    }

    @Test("admins manage members and admins but cannot grant, remove or touch the owner role")
    func adminLimits() async throws {
        let f = try await fixture()
        let promote = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.adminToken, json: ["role": "admin"])
        #expect(promote.status == 200)
        #expect(promote.string("role") == "admin")
        let demote = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.adminToken, json: ["role": "member"])
        #expect(demote.status == 200)

        let refused: [(String, [String: Any])] = [
            (f.member.id, ["role": "owner"]),
            (f.owner.id, ["role": "admin"]),
            (f.owner.id, ["role": "member"]),
            (f.owner.id, ["status": "suspended"]),
        ]
        for (id, body) in refused {
            let response = await f.app.request(.patch, "/api/v1/users/\(id)", token: f.adminToken, json: body)
            #expect(response.status == 403, "\(body): \(response.text)")
        }
        let inviteOwner = await f.app.request(
            .post, "/api/v1/users", token: f.adminToken, json: ["email": "boss@acme.test", "role": "owner"])
        #expect(inviteOwner.status == 403)
        #expect(try await f.app.userColumn("role", of: f.owner.id, as: String.self) == "owner")
        #expect(try await f.app.userColumn("status", of: f.owner.id, as: String.self) == "active")
        #expect(try await f.app.userColumn("role", of: f.member.id, as: String.self) == "member")
        #expect(try await f.app.sessionCount(userID: f.owner.id) == 1)
    }

    @Test("an owner can make and unmake owners")
    func ownerGrantsOwner() async throws {
        let f = try await fixture()
        let grant = await f.app.request(
            .patch, "/api/v1/users/\(f.admin.id)", token: f.ownerToken, json: ["role": "owner"])
        #expect(grant.status == 200)
        #expect(grant.string("role") == "owner")
        let remove = await f.app.request(
            .patch, "/api/v1/users/\(f.admin.id)", token: f.ownerToken, json: ["role": "admin"])
        #expect(remove.status == 200)
    }

    @Test("the last owner cannot demote themselves (409); with a second owner they can")
    func lastOwnerDemotion() async throws {
        let f = try await fixture()
        let alone = await f.app.request(
            .patch, "/api/v1/users/\(f.owner.id)", token: f.ownerToken, json: ["role": "admin"])
        #expect(alone.status == 409)
        #expect(try await f.app.userColumn("role", of: f.owner.id, as: String.self) == "owner")
        #expect(try await f.app.auditCount(tenantID: f.tenant.id, action: "user.updated") == 0)

        #expect(
            await f.app.request(.patch, "/api/v1/users/\(f.admin.id)", token: f.ownerToken, json: ["role": "owner"])
                .status == 200)
        let withAnother = await f.app.request(
            .patch, "/api/v1/users/\(f.owner.id)", token: f.ownerToken, json: ["role": "admin"])
        #expect(withAnother.status == 200)
    }

    @Test("an invited owner who never signed in does not count as the remaining owner")
    func invitedOwnerDoesNotCount() async throws {
        let f = try await fixture()
        let invited = await f.app.request(
            .post, "/api/v1/users", token: f.ownerToken, json: ["email": "boss@acme.test", "role": "owner"])
        #expect(invited.status == 201)
        let invitedID = try #require(invited.object("user")?["id"] as? String)
        // Demoting the only active owner would leave the tenant with nobody able to sign in as owner.
        let demote = await f.app.request(
            .patch, "/api/v1/users/\(f.owner.id)", token: f.ownerToken, json: ["role": "admin"])
        #expect(demote.status == 409)
        #expect(try await f.app.userColumn("role", of: f.owner.id, as: String.self) == "owner")
        // Suspending or demoting the invited owner is fine: the active owner remains.
        let suspend = await f.app.request(
            .patch, "/api/v1/users/\(invitedID)", token: f.ownerToken, json: ["status": "suspended"])
        #expect(suspend.status == 200)
        let reinstate = await f.app.request(
            .patch, "/api/v1/users/\(invitedID)", token: f.ownerToken, json: ["status": "active", "role": "member"])
        #expect(reinstate.status == 200)
        #expect(reinstate.string("status") == "invited")
        #expect(reinstate.string("role") == "member")
    }

    @Test("nobody can suspend themselves")
    func noSelfSuspension() async throws {
        let f = try await fixture()
        for (user, token) in [(f.owner, f.ownerToken), (f.admin, f.adminToken)] {
            let response = await f.app.request(
                .patch, "/api/v1/users/\(user.id)", token: token, json: ["status": "suspended"])
            #expect(response.status == 403)
            #expect(try await f.app.userColumn("status", of: user.id, as: String.self) == "active")
        }
    }

    @Test("the last active owner cannot be suspended (409), even by a request that raced a suspension")
    func lastOwnerSuspension() async throws {
        let f = try await fixture()
        let second = try await f.app.makeUser(tenant: "acme", email: "second@acme.test", role: .owner)
        let secondToken = try await f.app.login("acme", "second@acme.test")
        // The second owner's request is authenticated…
        let stale = try await f.app.principal(secondToken)
        // …then the first owner suspends the second…
        let suspend = await f.app.request(
            .patch, "/api/v1/users/\(second.id)", token: f.ownerToken, json: ["status": "suspended"])
        #expect(suspend.status == 200)
        // …and the second owner's request, arriving after, would remove the last active owner.
        do {
            _ = try await UserService(environment: f.app.environment).update(
                stale, userID: f.owner.id, changes: UserService.Changes(status: .suspended), origin: TestApp.origin)
            Issue.record("the last active owner was suspended")
        } catch {
            #expect(error.reason == .conflict)
        }
        #expect(try await f.app.userColumn("status", of: f.owner.id, as: String.self) == "active")
    }

    @Test("two owners suspending each other at once never leave the tenant without an owner")
    func concurrentOwnerSuspensions() async throws {
        let f = try await fixture()
        let second = try await f.app.makeUser(tenant: "acme", email: "second@acme.test", role: .owner)
        let secondToken = try await f.app.login("acme", "second@acme.test")
        async let first = f.app.request(
            .patch, "/api/v1/users/\(second.id)", token: f.ownerToken, json: ["status": "suspended"])
        async let other = f.app.request(
            .patch, "/api/v1/users/\(f.owner.id)", token: secondToken, json: ["status": "suspended"])
        let statuses = [await first.status, await other.status].sorted()
        // One wins; the other is either refused as the last owner or finds its session ended.
        #expect(statuses == [200, 401] || statuses == [200, 409], "\(statuses)")
        let active = try await f.app.query(
            "SELECT COUNT(*) AS n FROM users WHERE role = 'owner' AND status = 'active'"
        ).first?.decode("n", as: Int.self)
        #expect(active == 1)
    }

    @Test("PATCH with an unknown field is refused with 422 naming it, and changes nothing")
    func unknownField() async throws {
        let f = try await fixture()
        let response = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.ownerToken, json: ["name": "New", "nmae": "Typo"])
        #expect(response.status == 422)
        #expect(response.errorMessage?.contains("'nmae'") == true)
        #expect(try await f.app.userColumn("name", of: f.member.id, as: String.self) == "")
        let invited = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.ownerToken, json: ["status": "invited"])
        #expect(invited.status == 422)
        let badRole = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.ownerToken, json: ["role": "god"])
        #expect((400..<500).contains(badRole.status))
        #expect(try await f.app.userColumn("role", of: f.member.id, as: String.self) == "member")
    }
}
