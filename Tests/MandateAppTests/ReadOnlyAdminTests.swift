import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Read-only admins (DESIGN.md §3: the `manageUsers` permission): an admin without it sees what
/// owners and admins see, and changes nothing.
@Suite("Read-only admins")
struct ReadOnlyAdminTests {
    struct Fixture {
        let app: TestApp
        let tenant: Tenant
        let owner: User
        let auditor: User
        let member: User
        let ownerToken: String
        let auditorToken: String
    }

    /// `auditor@acme.test` is an admin whose `manageUsers` the owner turned off through the API.
    func fixture() async throws -> Fixture {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let auditor = try await app.makeUser(tenant: "acme", email: "auditor@acme.test", role: .admin)
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        let ownerToken = try await app.login("acme", "owner@acme.test")
        let change = await app.request(
            .patch, "/api/v1/users/\(auditor.id)", token: ownerToken, json: ["manageUsers": false])
        #expect(change.status == 200, "\(change.text)")
        #expect(change.json["manageUsers"] as? Bool == false)
        return Fixture(
            app: app, tenant: tenant, owner: owner, auditor: auditor, member: member, ownerToken: ownerToken,
            auditorToken: try await app.login("acme", "auditor@acme.test"))
    }

    @Test("the owner's change is audited, and every admin starts with the permission")
    func permissionChangeAudited() async throws {
        let f = try await fixture()
        #expect(try await f.app.auditCount(tenantID: f.tenant.id, action: "user.updated") == 1)
        let details = try await f.app.query(
            "SELECT details FROM audit_events WHERE action = 'user.updated' AND target_id = ?", [f.auditor.id]
        ).first?.decode(0, as: String.self)
        #expect(details?.contains("\"manageUsers\"") == true)
        let admin = try await f.app.makeUser(tenant: "acme", email: "admin@acme.test", role: .admin)
        let read = await f.app.request(.get, "/api/v1/users/\(admin.id)", token: f.ownerToken)
        #expect(read.json["manageUsers"] as? Bool == true)
    }

    @Test("a read-only admin reads the admin API but every change is refused and changes nothing")
    func readsButCannotChange() async throws {
        let f = try await fixture()
        for target in [
            "/api/v1/users", "/api/v1/users/\(f.member.id)", "/api/v1/users/mfa-status-counts", "/api/v1/groups",
            "/api/v1/mfa-policies", "/api/v1/audit-events", "/api/v1/organization/settings",
            "/api/v1/organization/billing",
        ] {
            let response = await f.app.request(.get, target, token: f.auditorToken)
            #expect(response.status == 200, "GET \(target): \(response.status) \(response.text)")
        }
        let auditBefore = try await f.app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self)
        let calls: [(HTTPMethod, String, [String: Any]?)] = [
            (.patch, "/api/v1/users/\(f.member.id)", ["mfaRequired": true]),
            (.patch, "/api/v1/users/\(f.member.id)", ["name": "Renamed"]),
            (.post, "/api/v1/users", ["email": "new@acme.test"]),
            (.post, "/api/v1/users/bulk", ["userIds": [f.member.id], "action": "require", "enrollmentDays": 7]),
            (.post, "/api/v1/users/\(f.member.id)/mfa/reset", nil),
            (.post, "/api/v1/users/\(f.member.id)/mfa/enrollment/reset", nil),
            (.post, "/api/v1/groups", ["name": "Mine"]),
            (.patch, "/api/v1/organization/settings", ["mfaRequired": true]),
            (.post, "/api/v1/organization/enforcement/restore", nil),
            (.get, "/api/v1/api-keys", nil),
            (.post, "/api/v1/api-keys", ["name": "mine"]),
        ]
        for (method, target, body) in calls {
            let response = await f.app.request(method, target, token: f.auditorToken, json: body)
            #expect(response.status == 403, "\(method) \(target): \(response.status) \(response.text)")
        }
        let auditAfter = try await f.app.query("SELECT COUNT(*) FROM audit_events").first?.decode(0, as: Int.self)
        #expect(auditAfter == auditBefore)
        #expect(try await f.app.userColumn("name", of: f.member.id, as: String.self) == "")
        #expect(try await f.app.query("SELECT COUNT(*) FROM users").first?.decode(0, as: Int.self) == 3)
    }

    @Test("only an admin's permission changes: owners and members are refused, and nobody changes their own")
    func permissionRules() async throws {
        let f = try await fixture()
        let owner = await f.app.request(
            .patch, "/api/v1/users/\(f.owner.id)", token: f.ownerToken, json: ["manageUsers": false])
        #expect(owner.status == 422)
        #expect(owner.errorMessage?.contains("Owners always manage users") == true)
        let member = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.ownerToken, json: ["manageUsers": true])
        #expect(member.status == 422)
        let admin = try await f.app.makeUser(tenant: "acme", email: "admin@acme.test", role: .admin)
        let adminToken = try await f.app.login("acme", "admin@acme.test")
        let own = await f.app.request(
            .patch, "/api/v1/users/\(admin.id)", token: adminToken, json: ["manageUsers": false])
        #expect(own.status == 403)
        #expect(try await f.app.userColumn("manage_users", of: admin.id, as: Bool.self) == true)
        // Another admin who manages users may give the permission back.
        let back = await f.app.request(
            .patch, "/api/v1/users/\(f.auditor.id)", token: adminToken, json: ["manageUsers": true])
        #expect(back.status == 200)
        #expect(back.json["manageUsers"] as? Bool == true)
    }

    @Test("becoming an admin again starts with the permission; a read-only admin's user view has the MFA status")
    func roleChangesResetPermission() async throws {
        let f = try await fixture()
        let read = await f.app.request(.get, "/api/v1/users/\(f.member.id)", token: f.auditorToken)
        #expect(read.status == 200)
        #expect(read.json["mfa"] != nil, "a read-only admin sees the MFA status")
        for role in ["member", "admin"] {
            let changed = await f.app.request(
                .patch, "/api/v1/users/\(f.auditor.id)", token: f.ownerToken, json: ["role": role])
            #expect(changed.status == 200, "\(role): \(changed.text)")
        }
        #expect(try await f.app.userColumn("manage_users", of: f.auditor.id, as: Bool.self) == true)
        // Promoted and made read-only in one change.
        let both = await f.app.request(
            .patch, "/api/v1/users/\(f.member.id)", token: f.ownerToken, json: ["role": "admin", "manageUsers": false])
        #expect(both.status == 200, "\(both.text)")
        #expect(both.json["manageUsers"] as? Bool == false)
    }

    @Test("a read-only admin's forms are refused with 403 before the form is read")
    func formsRefusedFirst() async throws {
        let f = try await fixture()
        let browser = PageClient(f.app)
        try await browser.signInFully("acme", "auditor@acme.test")
        let security = await browser.get("/admin/security")
        let token = try #require(try PageHTML.hiddenFields(of: "/admin/security", in: security.text).first?.1)
        let garbage = await browser.post("/admin/security", [("csrf", token), ("mfaEnrollmentDays", "abc")])
        #expect(garbage.status == 403)
        let bulk = await browser.post("/admin/users/bulk", [("csrf", token), ("action", "nonsense")])
        #expect(bulk.status == 403)
        #expect(bulk.text.contains("only owners and admins who manage users can change it"))
    }

    @Test("an admin may be invited read-only; owners and members keep their role's permission")
    func inviteReadOnly() async throws {
        let f = try await fixture()
        let invited = await f.app.request(
            .post, "/api/v1/users", token: f.ownerToken,
            json: ["email": "reviewer@acme.test", "role": "admin", "manageUsers": false])
        #expect(invited.status == 201, "\(invited.text)")
        let user = invited.json["user"] as? [String: Any]
        #expect(user?["manageUsers"] as? Bool == false)
        let id = try #require(user?["id"] as? String)
        #expect(try await f.app.userColumn("manage_users", of: id, as: Bool.self) == false)
        let details = try await f.app.query(
            "SELECT details FROM audit_events WHERE action = 'user.invited' AND target_id = ?", [id]
        ).first?.decode(0, as: String.self)
        #expect(details?.contains("\"manageUsers\":false") == true, "\(details ?? "")")
        for (role, value) in [("member", true), ("owner", false)] {
            let refused = await f.app.request(
                .post, "/api/v1/users", token: f.ownerToken,
                json: ["email": "\(role)@acme.test", "role": role, "manageUsers": value])
            #expect(refused.status == 422, "\(role): \(refused.text)")
        }
        let plain = await f.app.request(
            .post, "/api/v1/users", token: f.ownerToken, json: ["email": "plain@acme.test", "role": "admin"])
        #expect((plain.json["user"] as? [String: Any])?["manageUsers"] as? Bool == true)
    }

    @Test("the admin pages open for a read-only admin with every control disabled, and a post is refused")
    func pagesDisabled() async throws {
        let f = try await fixture()
        let browser = PageClient(f.app)
        try await browser.signInFully("acme", "auditor@acme.test")
        let account = await browser.get("/account")
        #expect(account.text.contains("href=\"/admin/security\""))
        let security = await browser.get("/admin/security")
        #expect(security.status == 200)
        #expect(security.text.contains("<fieldset class=\"fieldset\" disabled aria-describedby=\"read-only-hint\">"))
        #expect(security.text.contains("only owners and admins who manage users can change it"))
        let token = try #require(try PageHTML.hiddenFields(of: "/admin/security", in: security.text).first?.1)
        let refused = await browser.post(
            "/admin/security", [("csrf", token), ("mfaRequired", "on"), ("mfaEnrollmentDays", "3")])
        #expect(refused.status == 403)
        #expect(try await f.app.query("SELECT mfa_required FROM tenants").first?.decode(0, as: Bool.self) == false)
        let billing = await browser.get("/admin/billing")
        #expect(billing.status == 200)
    }
}
