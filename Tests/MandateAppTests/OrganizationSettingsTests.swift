import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `GET|PATCH /api/v1/organization/settings`: defaults, ranges, unknown fields, auditing.
@Suite("Organization settings")
struct OrganizationSettingsTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, token: String) {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme", plan: "business")
        return (app, tenant, try await app.login("acme", "owner@acme.test"))
    }

    @Test("GET shows the defaults of SECURITY.md and the plan")
    func defaults() async throws {
        let (app, tenant, token) = try await fixture()
        let response = await app.request(.get, "/api/v1/organization/settings", token: token)
        #expect(response.status == 200)
        #expect(response.string("id") == tenant.id)
        #expect(response.string("name") == "Acme Inc")
        #expect(response.string("subscriptionTier") == "business")
        #expect(response.string("subscriptionStatus") == "active")
        #expect(response.json["passwordMinLength"] as? Int == 8)
        #expect(response.json["lockoutThreshold"] as? Int == 10)
        #expect(response.json["sessionIdleMinutes"] as? Int == 30)
        #expect(response.json["sessionAbsoluteHours"] as? Int == 12)
        #expect((response.json["features"] as? [String])?.contains("mfa.enforce.org") == true)
        #expect((response.json["features"] as? [String])?.contains("mfa.enforce.groups") == false)
    }

    @Test(
        "values outside their range are refused with 422 naming the field, and nothing changes",
        arguments: [
            ("passwordMinLength", 7), ("passwordMinLength", 129), ("lockoutThreshold", 2),
            ("lockoutThreshold", 101), ("sessionIdleMinutes", 4), ("sessionIdleMinutes", 1441),
            ("sessionAbsoluteHours", 0), ("sessionAbsoluteHours", 721),
        ])
    func outOfRange(_ field: String, _ value: Int) async throws {
        let (app, tenant, token) = try await fixture()
        let response = await app.request(
            .patch, "/api/v1/organization/settings", token: token, json: ["name": "Renamed", field: value])
        #expect(response.status == 422)
        #expect(response.errorField == field)
        let after = await app.request(.get, "/api/v1/organization/settings", token: token)
        #expect(after.string("name") == "Acme Inc")
        #expect(try await app.auditCount(tenantID: tenant.id, action: "tenant.settings.updated") == 0)
    }

    @Test("the bounds themselves are accepted, saved, returned and audited")
    func bounds() async throws {
        let (app, tenant, token) = try await fixture()
        for changes: [String: Any] in [
            ["passwordMinLength": 8, "lockoutThreshold": 3, "sessionIdleMinutes": 5, "sessionAbsoluteHours": 1],
            [
                "passwordMinLength": 128, "lockoutThreshold": 100, "sessionIdleMinutes": 1440,
                "sessionAbsoluteHours": 720,
            ],
        ] {
            let response = await app.request(.patch, "/api/v1/organization/settings", token: token, json: changes)
            #expect(response.status == 200)
            for (key, value) in changes { #expect(response.json[key] as? Int == value as? Int, "\(key)") }
        }
        let read = await app.request(.get, "/api/v1/organization/settings", token: token)
        #expect(read.json["passwordMinLength"] as? Int == 128)
        let events = try await app.auditEvents(token, ["action": "tenant.settings.updated"])
        #expect(events.count == 2)
        let details = events.first?["details"] as? [String: Any]
        #expect(details?["passwordMinLength"] as? [String] == ["8", "128"])
        // Saving the same values again is not a change and is not audited.
        _ = await app.request(.patch, "/api/v1/organization/settings", token: token, json: ["lockoutThreshold": 100])
        #expect(try await app.auditCount(tenantID: tenant.id, action: "tenant.settings.updated") == 2)
    }

    @Test("name and time zone are validated")
    func nameAndTimeZone() async throws {
        let (app, _, token) = try await fixture()
        for (field, value) in [
            ("name", ""), ("name", String(repeating: "n", count: 121)), ("timeZone", "Mars/Olympus"),
        ] {
            let response = await app.request(
                .patch, "/api/v1/organization/settings", token: token, json: [field: value])
            #expect(response.status == 422, "\(field)=\(value)")
            #expect(response.errorField == field)
        }
        let ok = await app.request(
            .patch, "/api/v1/organization/settings", token: token,
            json: ["name": "Acme Europe", "timeZone": "Europe/Berlin"])
        #expect(ok.status == 200)
        #expect(ok.string("timeZone") == "Europe/Berlin")
        #expect(ok.string("name") == "Acme Europe")
    }

    @Test("unknown fields and wrong types are refused")
    func unknownAndWrongTypes() async throws {
        let (app, _, token) = try await fixture()
        let unknown = await app.request(
            .patch, "/api/v1/organization/settings", token: token, json: ["passwordMaxLength": 64])
        #expect(unknown.status == 422)
        #expect(unknown.errorMessage?.contains("'passwordMaxLength'") == true)
        let wrongType = await app.request(
            .patch, "/api/v1/organization/settings", token: token, json: ["passwordMinLength": "twelve"])
        #expect((400..<500).contains(wrongType.status))
        let notObject = await app.request(
            .patch, "/api/v1/organization/settings", token: token, body: Array("[1,2]".utf8),
            headers: [("Content-Type", "application/json")])
        #expect((400..<500).contains(notObject.status))
        #expect(
            await app.request(.get, "/api/v1/organization/settings", token: token).json["passwordMinLength"] as? Int
                == 8)
    }

    @Test("a change made from an older view of the tenant does not undo a newer one")
    func noLostUpdate() async throws {
        let (app, tenant, token) = try await fixture()
        // This request authenticated (and read the tenant) before the next one changed it.
        let stale = try await app.principal(token)
        try await app.updateSettings(token, ["passwordMinLength": 12])
        var changes = TenantService.SettingsChanges()
        changes.sessionIdleMinutes = 10
        let updated = try await TenantService(environment: app.environment).updateSettings(
            stale, changes: changes, origin: TestApp.origin)
        #expect(updated.settings.passwordMinLength == 12)
        let read = await app.request(.get, "/api/v1/organization/settings", token: token)
        #expect(read.json["passwordMinLength"] as? Int == 12)
        #expect(read.json["sessionIdleMinutes"] as? Int == 10)
        // The audit event of the second change records only what it changed.
        let events = try await app.auditEvents(token, ["action": "tenant.settings.updated"])
        #expect((events.first?["details"] as? [String: Any]).map { Set($0.keys) } == ["sessionIdleMinutes"])
        #expect(try await app.auditCount(tenantID: tenant.id, action: "tenant.settings.updated") == 2)
    }

    @Test("the new name is immediately refused as a password")
    func renamedTenantPassword() async throws {
        let (app, _, token) = try await fixture()
        let rename = await app.request(
            .patch, "/api/v1/organization/settings", token: token, json: ["name": "Lighthouse Keepers"])
        #expect(rename.status == 200)
        let change = await app.request(
            .post, "/api/v1/me/password", token: token,
            json: ["currentPassword": TestApp.password, "newPassword": "lighthouse keepers"])
        #expect(change.status == 422)
        #expect(change.errorField == "password")
    }
}
