import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Group policies on the dashboard (`/admin/policies`), through `MFAPolicyService`.
@Suite("Pages: group policies")
struct PagesPoliciesTests {
    /// Creates a group through the core service, as the tenant's owner; returns its id.
    static func makeGroup(_ app: TestApp, slug: String, name: String) async throws -> String {
        let principal = try await app.principal(try await app.login(slug, "owner@\(slug).test"))
        return try await GroupService(environment: app.environment).create(
            principal, name: name, description: "", origin: TestApp.origin
        ).id
    }

    /// Posts `pairs` to the form of `page` posting to `action`, with that form's CSRF token.
    static func send(
        _ browser: PageClient, _ action: String, on page: TestApp.Response, _ pairs: [(String, String)]
    ) async throws -> TestApp.Response {
        let csrf = try #require(try PageHTML.hiddenFields(of: action, in: page.text).first { $0.0 == "csrf" })
        return await browser.post(action, [csrf] + pairs)
    }

    /// The policies of a tenant as `name|enabled|all|days`, from the table.
    static func stored(_ app: TestApp) async throws -> [String] {
        try await app.query(
            "SELECT name, enabled, include_all, enrollment_days FROM mfa_policies ORDER BY name"
        ).map { row in
            let name: String = try row.decode(0)
            let enabled: Int = try row.decode(1)
            let all: Int = try row.decode(2)
            let days: Int = try row.decode(3)
            return "\(name)|\(enabled)|\(all)|\(days)"
        }
    }

    static func policyID(_ app: TestApp, named name: String) async throws -> String {
        let id = try await app.query("SELECT id FROM mfa_policies WHERE name = ?", [name]).first?.decode(
            0, as: String.self)
        return try #require(id)
    }

    @Test("create, edit, disable and delete a policy; refused forms re-render and change nothing")
    func lifecycle() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        let engineering = try await Self.makeGroup(app, slug: "acme", name: "Engineering <R&D>")
        let contractors = try await Self.makeGroup(app, slug: "acme", name: "Contractors")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let list = await owner.get("/admin/policies")
        #expect(list.status == 200)
        #expect(list.text.contains("No group policies yet."))
        #expect(list.text.contains("<a href=\"/admin/policies\">Group policies</a>"))
        #expect(list.text.contains("Engineering &lt;R&amp;D&gt;"))
        #expect(!list.text.contains("Engineering <R&D>"))

        // Refusals: each re-renders the form as sent, with the message, and stores nothing.
        let valid: [(String, String)] = [
            ("name", "Engineers"), ("appliesTo", "groups"), ("includedGroupIds", engineering),
            ("excludedGroupIds", contractors), ("enrollmentDays", "14"), ("enabled", "on"),
        ]
        let refusals: [([(String, String)], String)] = [
            (valid.filter { $0.0 != "name" } + [("name", "  ")], "1 to 120 characters"),
            (valid.filter { $0.0 != "includedGroupIds" }, "Choose at least one group"),
            (valid.filter { $0.0 != "enrollmentDays" } + [("enrollmentDays", "soon")], "whole number of days"),
            (valid.filter { $0.0 != "appliesTo" }, "Choose whom the policy applies to"),
            (valid + [("excludedGroupIds", engineering)], "cannot be both included and excluded"),
            (valid.filter { $0.0 != "includedGroupIds" } + [("includedGroupIds", "grp_nope")], "There is no group"),
        ]
        for (fields, message) in refusals {
            let refused = try await Self.send(owner, "/admin/policies", on: list, fields)
            #expect(refused.status == 422, "\(message): \(refused.status)")
            #expect(refused.text.contains("role=\"alert\""), "\(message)")
            #expect(refused.text.contains(message), "\(message)")
            #expect(try await Self.stored(app).isEmpty, "\(message)")
        }
        let sticky = try await Self.send(
            owner, "/admin/policies", on: list, valid.filter { $0.0 != "name" } + [("name", "")])
        let days = try #require(PageHTML.inputs(in: sticky.text).first { $0.attributes["name"] == "enrollmentDays" })
        #expect(days.attributes["value"] == "14")
        let ticked = PageHTML.inputs(in: sticky.text).filter {
            $0.attributes["name"] == "includedGroupIds" && $0.attributes["checked"] != nil
        }
        #expect(ticked.map { $0.attributes["value"] } == [engineering])
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.policy.created") == 0)

        // Created.
        let created = try await Self.send(owner, "/admin/policies", on: list, valid)
        #expect(created.status == 303)
        #expect(created.headers["Location"] == "/admin/policies")
        let listed = try await owner.follow(created)
        #expect(listed.text.contains("The group policy is created."))
        let row = try #require(PageHTML.text(after: "<tr class=\"policy\"", until: "</tr>", in: listed.text))
        #expect(row.contains("Engineers"))
        #expect(row.contains("Enabled"))
        #expect(row.contains("Engineering <R&D>"))
        #expect(row.contains("Contractors"))
        #expect(row.contains("14 days"))
        #expect(row.contains("1 January 2026 at"))
        #expect(try await Self.stored(app) == ["Engineers|1|0|14"])
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.policy.created") == 1)
        let id = try await Self.policyID(app, named: "Engineers")
        let duplicate = try await Self.send(owner, "/admin/policies", on: listed, valid)
        #expect(duplicate.status == 409)
        #expect(duplicate.text.contains("Another policy already has this name."))
        #expect(try await Self.stored(app) == ["Engineers|1|0|14"])

        // Edited: everyone, 3 days; a refused edit changes nothing.
        let edit = await owner.get("/admin/policies/\(id)")
        #expect(edit.status == 200)
        let name = try #require(PageHTML.inputs(in: edit.text).first { $0.attributes["name"] == "name" })
        #expect(name.attributes["value"] == "Engineers")
        let badEdit = try await Self.send(
            owner, "/admin/policies/\(id)", on: edit,
            [("name", "Everyone"), ("appliesTo", "all"), ("enrollmentDays", "400"), ("enabled", "on")])
        #expect(badEdit.status == 422)
        #expect(badEdit.text.contains("365"))
        #expect(try await Self.stored(app) == ["Engineers|1|0|14"])
        let saved = try await Self.send(
            owner, "/admin/policies/\(id)", on: edit,
            [("name", "Everyone"), ("appliesTo", "all"), ("enrollmentDays", "3"), ("enabled", "on")])
        #expect(saved.status == 303)
        #expect(try await owner.follow(saved).text.contains("The group policy is saved."))
        #expect(try await Self.stored(app) == ["Everyone|1|1|3"])

        // Disabled, then enabled again from the list.
        let toggleAction = "/admin/policies/\(id)/toggle"
        let disabled = try await owner.submit(toggleAction, on: await owner.get("/admin/policies"))
        #expect(disabled.status == 303)
        let afterDisable = try await owner.follow(disabled)
        #expect(afterDisable.text.contains("The group policy is disabled."))
        #expect(try await Self.stored(app) == ["Everyone|0|1|3"])
        let badToggle = try await owner.submit(toggleAction, on: afterDisable, ["enabled": "maybe"])
        #expect(badToggle.status == 422)
        #expect(try await Self.stored(app) == ["Everyone|0|1|3"])
        let enabled = try await owner.submit(toggleAction, on: afterDisable)
        #expect(try await owner.follow(enabled).text.contains("The group policy is enabled."))
        #expect(try await Self.stored(app) == ["Everyone|1|1|3"])

        // Deleted only once confirmed.
        let deleteAction = "/admin/policies/\(id)/delete"
        let page = await owner.get("/admin/policies/\(id)")
        let unconfirmed = try await owner.submit(deleteAction, on: page)
        #expect(unconfirmed.status == 422)
        #expect(unconfirmed.text.contains("Tick the box"))
        #expect(try await Self.stored(app).count == 1)
        let deleted = try await owner.submit(deleteAction, on: page, ["confirm": "yes"])
        #expect(deleted.status == 303)
        #expect(try await owner.follow(deleted).text.contains("The group policy is deleted."))
        #expect(try await Self.stored(app).isEmpty)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "mfa.policy.deleted") == 1)
        #expect(await owner.get("/admin/policies/\(id)").status == 404)
    }

    @Test("without mfa.enforce.groups the policies are read-only with an upgrade hint; disabling still works")
    func planGate() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let ownerToken = try await app.login("acme", "owner@acme.test")
        let created = await app.request(
            .post, "/api/v1/mfa-policies", token: ownerToken,
            json: ["name": "All", "includeAllUsers": true, "enabled": false])
        #expect(created.status == 201)
        try await PagesAdminTests.changePlan(app, tenant: "acme", to: "business")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin/policies")
        #expect(page.status == 200)
        #expect(page.text.contains("Your Business plan does not include group policies."))
        #expect(page.text.contains("All"))
        let form = try #require(PageHTML.form("/admin/policies", in: page.text))
        for input in PageHTML.inputs(in: form) where input.attributes["type"] != "hidden" {
            #expect(input.attributes["disabled"] != nil, "\(input.raw)")
            #expect(input.attributes["aria-describedby"]?.contains("policy-locked-hint") == true, "\(input.raw)")
        }
        let create = try #require(PageHTML.tags("button", in: form).first)
        #expect(create.attributes["disabled"] != nil)
        let id = try await Self.policyID(app, named: "All")
        let enable = try #require(PageHTML.form("/admin/policies/\(id)/toggle", in: page.text))
        #expect(PageHTML.tags("button", in: enable).first?.attributes["disabled"] != nil)

        // Forged forms are refused and change nothing.
        let before = try await Self.stored(app)
        let forgedCreate = try await Self.send(
            owner, "/admin/policies", on: page,
            [("name", "New"), ("appliesTo", "all"), ("enrollmentDays", "0"), ("enabled", "on")])
        #expect(forgedCreate.status == 403)
        #expect(forgedCreate.text.contains("does not include group policies"))
        let forgedEnable = try await owner.submit("/admin/policies/\(id)/toggle", on: page)
        #expect(forgedEnable.status == 403)
        let edit = await owner.get("/admin/policies/\(id)")
        #expect(edit.status == 200)
        let forgedEdit = try await Self.send(
            owner, "/admin/policies/\(id)", on: edit,
            [("name", "Renamed"), ("appliesTo", "all"), ("enrollmentDays", "0")])
        #expect(forgedEdit.status == 403)
        #expect(try await Self.stored(app) == before)

        // Deleting is always allowed.
        let deleted = try await owner.submit("/admin/policies/\(id)/delete", on: edit, ["confirm": "yes"])
        #expect(deleted.status == 303)
        #expect(try await Self.stored(app).isEmpty)
    }

    @Test("members get the 403 page and change nothing")
    func memberRefused() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let ownerToken = try await app.login("acme", "owner@acme.test")
        // Disabled: enabled for everyone, it would send the member to MFA setup at sign-in.
        let created = await app.request(
            .post, "/api/v1/mfa-policies", token: ownerToken,
            json: ["name": "All", "includeAllUsers": true, "enabled": false])
        #expect(created.status == 201)
        let id = try await Self.policyID(app, named: "All")
        let member = PageClient(app)
        try await member.signInFully("acme", "ada@acme.test")
        let account = await member.get("/account")
        #expect(!account.text.contains("href=\"/admin/policies\""))
        let token = try #require(try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        for response in [
            await member.get("/admin/policies"), await member.get("/admin/policies/\(id)"),
            await member.post(
                "/admin/policies", [token, ("name", "Mine"), ("appliesTo", "all"), ("enrollmentDays", "0")]),
            await member.post("/admin/policies/\(id)", [token, ("name", "Mine"), ("appliesTo", "all")]),
            await member.post("/admin/policies/\(id)/toggle", [token, ("enabled", "true")]),
            await member.post("/admin/policies/\(id)/delete", [token, ("confirm", "yes")]),
        ] {
            #expect(response.status == 403)
            #expect(response.text.contains("Only owners and admins"))
        }
        #expect(try await Self.stored(app) == ["All|0|1|0"])
    }

    @Test("another organization's policy is not found, and stays as it is")
    func otherTenant() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeTenant(slug: "globex")
        let globexToken = try await app.login("globex", "owner@globex.test")
        let created = await app.request(
            .post, "/api/v1/mfa-policies", token: globexToken, json: ["name": "Theirs", "includeAllUsers": true])
        #expect(created.status == 201)
        let id = try await Self.policyID(app, named: "Theirs")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let list = await owner.get("/admin/policies")
        #expect(!list.text.contains("Theirs"))
        let page = await owner.get("/admin/policies/\(id)")
        #expect(page.status == 404)
        #expect(page.text.contains("was not found"))
        #expect(!page.text.contains("Theirs"))
        let csrf = try #require(
            try PageHTML.hiddenFields(of: "/admin/policies", in: list.text).first { $0.0 == "csrf" })
        for response in [
            await owner.post(
                "/admin/policies/\(id)", [csrf, ("name", "Mine"), ("appliesTo", "all"), ("enrollmentDays", "0")]),
            await owner.post("/admin/policies/\(id)/toggle", [csrf, ("enabled", "false")]),
            await owner.post("/admin/policies/\(id)/delete", [csrf, ("confirm", "yes")]),
        ] {
            #expect(response.status == 404)
            #expect(!response.text.contains("Theirs"))
        }
        #expect(try await Self.stored(app) == ["Theirs|1|1|0"])
    }
}
