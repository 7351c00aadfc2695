import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The audit log: one event per change, in the change's transaction; filters, pagination, and
/// append-only storage (DESIGN.md §3 "Audit").
@Suite("Audit log")
struct AuditTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, owner: User, token: String) {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        return (app, tenant, owner, try await app.login("acme", "owner@acme.test"))
    }

    func actions(_ app: TestApp, _ tenantID: String) async throws -> [String] {
        try await app.query("SELECT action FROM audit_events WHERE tenant_id = ? ORDER BY id", [tenantID]).map {
            try $0.decode("action", as: String.self)
        }
    }

    @Test("every change writes its event, naming the actor and the target")
    func everyChangeAudited() async throws {
        let (app, tenant, owner, token) = try await fixture()
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        var expected: [(String, String?)] = []
        func step(_ method: HTTPMethod, _ target: String, _ json: [String: Any]?, _ action: String, _ targetID: String?)
            async throws -> TestApp.Response
        {
            let before = try await actions(app, tenant.id)
            let response = await app.request(method, target, token: token, json: json)
            #expect((200..<300).contains(response.status), "\(method) \(target): \(response.text)")
            let added = Array(try await actions(app, tenant.id).dropFirst(before.count))
            #expect(added == [action], "\(method) \(target)")
            expected.append((action, targetID))
            return response
        }
        let invited = try #require(
            try await step(.post, "/api/v1/users", ["email": "new@acme.test"], "user.invited", nil).object("user")?[
                "id"]
                as? String)
        _ = try await step(.patch, "/api/v1/users/\(member.id)", ["name": "Member"], "user.updated", member.id)
        _ = try await step(.patch, "/api/v1/users/\(member.id)", ["status": "suspended"], "user.suspended", member.id)
        _ = try await step(.patch, "/api/v1/users/\(member.id)", ["status": "active"], "user.reinstated", member.id)
        _ = try await step(.post, "/api/v1/users/\(member.id)/unlock", nil, "user.unlocked", member.id)
        _ = try await step(.post, "/api/v1/users/\(invited)/invitation", nil, "user.invitation.resent", invited)
        let group = try #require(
            try await step(.post, "/api/v1/groups", ["name": "Ops"], "group.created", nil).string("id"))
        _ = try await step(.patch, "/api/v1/groups/\(group)", ["name": "SRE"], "group.updated", group)
        _ = try await step(
            .post, "/api/v1/groups/\(group)/members", ["userIds": [member.id]], "group.members.added", group)
        _ = try await step(.delete, "/api/v1/groups/\(group)/members/\(member.id)", nil, "group.members.removed", group)
        _ = try await step(.delete, "/api/v1/groups/\(group)", nil, "group.deleted", group)
        let key = try #require(
            try await step(.post, "/api/v1/api-keys", ["name": "robot"], "api_key.created", nil).object("apiKey")?["id"]
                as? String)
        _ = try await step(.delete, "/api/v1/api-keys/\(key)", nil, "api_key.revoked", key)
        _ = try await step(
            .patch, "/api/v1/organization/settings", ["sessionIdleMinutes": 20], "tenant.settings.updated", tenant.id)
        _ = try await step(
            .post, "/api/v1/me/password", ["currentPassword": TestApp.password, "newPassword": "another passphrase"],
            "user.password.changed", owner.id)
        _ = try await step(.post, "/api/v1/auth/logout", nil, "auth.logout", owner.id)

        let fresh = try await app.login("acme", "owner@acme.test", password: "another passphrase")
        let events = try await app.auditEvents(fresh, ["limit": "200"])
        for (action, targetID) in expected {
            let event = try #require(events.first { $0["action"] as? String == action }, "\(action)")
            let actor = event["actor"] as? [String: Any]
            #expect(actor?["type"] as? String == "user", "\(action)")
            #expect(actor?["id"] as? String == owner.id, "\(action)")
            #expect(actor?["label"] as? String == "owner@acme.test", "\(action)")
            #expect(actor?["ipAddress"] as? String == "198.51.100.7", "\(action)")
            if let targetID { #expect((event["target"] as? [String: Any])?["id"] as? String == targetID, "\(action)") }
            #expect(event["occurredAt"] as? String == Timestamp.iso8601(app.clock.now()))
        }
    }

    @Test("a refused change leaves no event")
    func refusedChangesLeaveNoEvent() async throws {
        let (app, tenant, owner, token) = try await fixture()
        _ = try await app.invite(token, email: "new@acme.test")
        _ = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Ops"])
        let before = try await actions(app, tenant.id)
        #expect(await app.request(.post, "/api/v1/users", token: token, json: ["email": "new@acme.test"]).status == 409)
        #expect(await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Ops"]).status == 409)
        #expect(
            await app.request(.patch, "/api/v1/users/\(owner.id)", token: token, json: ["role": "member"]).status == 409
        )
        #expect(
            await app.request(.patch, "/api/v1/organization/settings", token: token, json: ["lockoutThreshold": 1])
                .status == 422)
        #expect(try await actions(app, tenant.id) == before)
        #expect(try await app.query("SELECT id FROM users WHERE email = 'new@acme.test'").count == 1)
    }

    @Test("the event is written in the change's transaction: if it cannot be written, the change is undone")
    func sameTransaction() async throws {
        let (app, tenant, owner, token) = try await fixture()
        let refused = "('group.created', 'user.invited', 'auth.login.succeeded', 'user.suspended')"
        let trigger =
            switch app.database.dialect {
            case .sqlite:
                """
                CREATE TRIGGER refuse_some_events BEFORE INSERT ON audit_events
                WHEN NEW.action IN \(refused)
                BEGIN SELECT RAISE(ABORT, 'audit store refused'); END;
                """
            case .postgres:
                """
                CREATE FUNCTION refuse_some_events() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit store refused'; END $$;
                CREATE TRIGGER refuse_some_events BEFORE INSERT ON audit_events
                FOR EACH ROW WHEN (NEW.action IN \(refused)) EXECUTE FUNCTION refuse_some_events();
                """
            }
        try await app.database.write { connection in try connection.execute(trigger) }
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        #expect(await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Ops"]).status == 500)
        #expect(await app.request(.post, "/api/v1/users", token: token, json: ["email": "new@acme.test"]).status == 500)
        #expect(
            await app.request(.patch, "/api/v1/users/\(member.id)", token: token, json: ["status": "suspended"]).status
                == 500)
        #expect(await app.loginResponse("acme", "owner@acme.test").status != 200)
        #expect(try await app.query("SELECT id FROM user_groups").isEmpty)
        #expect(try await app.query("SELECT id FROM users WHERE email = 'new@acme.test'").isEmpty)
        #expect(try await app.query("SELECT id FROM invitations").isEmpty)
        #expect(try await app.userColumn("status", of: member.id, as: String.self) == "active")
        #expect(try await app.sessionCount(userID: owner.id) == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "group.created") == 0)
    }

    @Test("filters: action, action prefix, actor, target, outcome, since and until")
    func filters() async throws {
        let (app, _, owner, token) = try await fixture()
        let start = app.clock.now()
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        app.clock.advance(by: 60)
        _ = await app.loginResponse("acme", "member@acme.test", password: "wrong password")
        _ = await app.loginResponse("acme", "member@acme.test", password: "wrong password")
        let memberToken = try await app.login("acme", "member@acme.test")
        app.clock.advance(by: 60)
        let middle = app.clock.now()
        _ = await app.request(.patch, "/api/v1/users/\(member.id)", token: token, json: ["name": "M"])
        _ = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Ops"])
        app.clock.advance(by: 60)
        _ = await app.request(.post, "/api/v1/auth/logout", token: memberToken)

        func actions(_ parameters: [String: String]) async throws -> [String] {
            try await app.auditEvents(token, parameters).compactMap { $0["action"] as? String }
        }
        #expect(try await actions(["action": "auth.login.failed"]) == ["auth.login.failed", "auth.login.failed"])
        #expect(
            try await actions(["action": "auth."]) == [
                "auth.logout", "auth.login.succeeded", "auth.login.failed", "auth.login.failed", "auth.login.succeeded",
            ])
        #expect(try await actions(["action": "auth"]).isEmpty)
        #expect(try await actions(["action": "group."]) == ["group.created"])
        #expect(try await actions(["actorId": member.id]) == ["auth.logout", "auth.login.succeeded"])
        #expect(try await actions(["actorId": owner.id]).contains("group.created"))
        #expect(
            try await actions(["targetId": member.id]) == [
                "auth.logout", "user.updated", "auth.login.succeeded", "auth.login.failed", "auth.login.failed",
                "user.created",
            ])
        #expect(try await actions(["outcome": "failure"]) == ["auth.login.failed", "auth.login.failed"])
        #expect(try await actions(["outcome": "denied"]).isEmpty)
        #expect(
            try await actions(["since": Timestamp.iso8601(middle)]) == ["auth.logout", "group.created", "user.updated"])
        #expect(
            try await actions([
                "since": Timestamp.iso8601(start.addingTimeInterval(60)), "until": Timestamp.iso8601(middle),
            ])
                == ["auth.login.succeeded", "auth.login.failed", "auth.login.failed"])
        #expect(
            try await actions(["targetId": member.id, "outcome": "success", "since": Timestamp.iso8601(middle)]) == [
                "auth.logout", "user.updated",
            ])
        for bad in [
            ["outcome": "maybe"], ["since": "yesterday"], ["until": "2026-13-01"], ["limit": "0"], ["cursor": "%%%"],
        ] {
            let response = await app.request(.get, "/api/v1/audit-events" + TestApp.queryString(bad), token: token)
            #expect(response.status == 422, "\(bad)")
        }
    }

    @Test("cursor pagination goes newest first with no gaps or duplicates")
    func pagination() async throws {
        let (app, tenant, _, token) = try await fixture()
        for index in 0..<23 {
            _ = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Group \(index)"])
        }
        let total = try await app.query("SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ?", [tenant.id])
            .first?.decode("n", as: Int.self)
        var ids: [Int] = []
        var cursor: String?
        repeat {
            var parameters = ["limit": "4"]
            parameters["cursor"] = cursor
            let page = await app.request(.get, "/api/v1/audit-events" + TestApp.queryString(parameters), token: token)
            #expect(page.items.count <= 4)
            ids += page.items.compactMap { ($0["id"] as? String).flatMap { Int($0) } }
            cursor = page.string("nextCursor")
            // Events written during the walk are newer than the cursor: they never appear mid-walk.
            _ = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Late \(ids.count)"])
        } while cursor != nil && ids.count < 200
        #expect(ids.count == total)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted(by: >))
        let prefixed = await app.request(.get, "/api/v1/audit-events?action=group.&limit=5", token: token)
        #expect(prefixed.items.count == 5)
        #expect(prefixed.string("nextCursor") != nil)
    }

    @Test("the table is append-only: UPDATE and DELETE fail")
    func appendOnly() async throws {
        let (app, tenant, _, _) = try await fixture()
        let before = try await app.query("SELECT * FROM audit_events ORDER BY id").map { "\($0.values)" }
        #expect(!before.isEmpty)
        for sql in [
            "UPDATE audit_events SET action = 'nothing.happened'",
            "UPDATE audit_events SET details = '{}' WHERE id = 1",
            "DELETE FROM audit_events",
            "DELETE FROM audit_events WHERE id = 1",
        ] {
            // The schema's trigger refuses it, in its own words, on either engine.
            let error = await #expect(throws: (any Error).self, "\(sql)") {
                try await app.database.write { connection in try connection.execute(sql) }
            }
            #expect(error.map { "\($0)" }?.contains("audit events are append-only") == true, "\(sql)")
        }
        #expect(try await app.query("SELECT * FROM audit_events ORDER BY id").map { "\($0.values)" } == before)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "tenant.created") == 1)
    }

    @Test("members cannot read the audit log")
    func membersCannotRead() async throws {
        let (app, _, _, _) = try await fixture()
        try await app.makeUser(tenant: "acme", email: "member@acme.test")
        let token = try await app.login("acme", "member@acme.test")
        #expect(await app.request(.get, "/api/v1/audit-events", token: token).status == 403)
    }
}
