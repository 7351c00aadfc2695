import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import SQLite
import Storage
import Testing

/// SECURITY.md: "every id-bearing route, called with another tenant's id, answers 404 — test it
/// for every route with two tenants". The routes come from the application's own route table, so a
/// new route with a `:parameter` fails this suite until `probes` says how to call it.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    /// The things a probe can point at. `b…` belong to the other tenant; `a…` to the caller's.
    enum Thing: CaseIterable {
        case bOwner, bMember, bInvited, bGroup, bAPIKey, bPolicy
        case aMember, aGroup
        /// Well-formed ids that exist nowhere: the 404 for another tenant's id must look like this one.
        case ghostUser, ghostGroup, ghostAPIKey, ghostPolicy
    }

    /// One call of a route: what each path parameter is, and the body.
    struct Probe: @unchecked Sendable {  // the body is an immutable JSON literal
        var parameters: [String: Thing]
        var body: [String: Any]? = nil
    }

    /// Id-bearing dashboard pages: they need a browser session and a CSRF token, so their
    /// isolation is tested with a page client next to the page (named here).
    static let pageRoutesTestedElsewhere: [String: String] = [
        "GET /admin/users/:id": "PagesUserPanelTests.otherTenantNotFound",
        "POST /admin/users/:id/mfa-requirement": "PagesUserPanelTests.otherTenantNotFound",
        "POST /admin/users/:id/mfa/reset": "PagesUserPanelTests.otherTenantNotFound",
        "POST /admin/users/:id/exemption": "PagesUserPanelTests.otherTenantNotFound",
        "POST /admin/users/:id/enrollment/reset": "PagesUserPanelTests.otherTenantNotFound",
        "GET /admin/policies/:id": "PagesPoliciesTests.otherTenant",
        "POST /admin/policies/:id": "PagesPoliciesTests.otherTenant",
        "POST /admin/policies/:id/toggle": "PagesPoliciesTests.otherTenant",
        "POST /admin/policies/:id/delete": "PagesPoliciesTests.otherTenant",
        "POST /admin/jobs/:id/retry": "PagesJobsTests.retry",
    ]

    /// How to call every id-bearing route with the other tenant's ids. EXTEND THIS when adding a
    /// route with a path parameter (the test below fails and names the route until you do).
    static let probes: [String: [Probe]] = [
        "GET /api/v1/users/:id": [
            Probe(parameters: ["id": .bMember]), Probe(parameters: ["id": .bOwner]),
            Probe(parameters: ["id": .bInvited]),
        ],
        "PATCH /api/v1/users/:id": [
            Probe(parameters: ["id": .bMember], body: ["name": "Taken over"]),
            Probe(parameters: ["id": .bMember], body: ["status": "suspended"]),
            Probe(parameters: ["id": .bMember], body: ["role": "owner"]),
            Probe(parameters: ["id": .bOwner], body: ["role": "member"]),
            Probe(parameters: ["id": .bMember], body: ["mfaRequired": false, "mfaExempt": false]),
        ],
        "POST /api/v1/users/:id/unlock": [Probe(parameters: ["id": .bMember])],
        "POST /api/v1/users/:id/invitation": [Probe(parameters: ["id": .bInvited])],
        "GET /api/v1/groups/:id": [Probe(parameters: ["id": .bGroup])],
        "PATCH /api/v1/groups/:id": [
            Probe(parameters: ["id": .bGroup], body: ["name": "Renamed", "description": "by another tenant"])
        ],
        "DELETE /api/v1/groups/:id": [Probe(parameters: ["id": .bGroup])],
        "GET /api/v1/groups/:id/members": [Probe(parameters: ["id": .bGroup])],
        "POST /api/v1/groups/:id/members": [
            Probe(parameters: ["id": .bGroup], body: ["userIds": ["<aMember>"]]),
            Probe(parameters: ["id": .bGroup], body: ["userIds": ["<bOwner>"]]),
        ],
        "DELETE /api/v1/groups/:id/members/:userId": [
            Probe(parameters: ["id": .bGroup, "userId": .bMember]),
            Probe(parameters: ["id": .aGroup, "userId": .bMember]),
            Probe(parameters: ["id": .bGroup, "userId": .aMember]),
        ],
        "DELETE /api/v1/api-keys/:id": [Probe(parameters: ["id": .bAPIKey])],
        "POST /api/v1/users/:id/mfa/reset": [Probe(parameters: ["id": .bMember])],
        "POST /api/v1/users/:id/mfa/enrollment/reset": [Probe(parameters: ["id": .bMember])],
        "GET /api/v1/mfa-policies/:id": [Probe(parameters: ["id": .bPolicy])],
        "PATCH /api/v1/mfa-policies/:id": [
            Probe(parameters: ["id": .bPolicy], body: ["name": "Renamed", "enabled": false]),
            Probe(parameters: ["id": .bPolicy], body: ["includedGroupIds": ["<aGroup>"]]),
        ],
        "DELETE /api/v1/mfa-policies/:id": [Probe(parameters: ["id": .bPolicy])],
    ]

    /// Routes under /api/v1 reachable without a credential. EXTEND deliberately.
    static let publicAPIRoutes: Set<String> = [
        "POST /api/v1/auth/login", "POST /api/v1/invitations/accept",
        // The second sign-in step: the challenge token is the credential.
        "POST /api/v1/auth/mfa/status", "POST /api/v1/auth/mfa/sms", "POST /api/v1/auth/mfa/verify",
    ]

    /// Two tenants, each with an owner, a member, an invited user, a group with the member, an API key.
    struct World {
        let app: TestApp
        let alpha: Tenant
        let bravo: Tenant
        let ids: [Thing: String]
        let alphaOwnerToken: String
        let alphaAPIKey: String
    }

    func makeWorld() async throws -> World {
        let app = try await TestApp()
        var ids: [Thing: String] = [
            .ghostUser: "usr_aaaaaaaaaaaaaaaa", .ghostGroup: "grp_aaaaaaaaaaaaaaaa",
            .ghostAPIKey: "key_aaaaaaaaaaaaaaaa", .ghostPolicy: "pol_aaaaaaaaaaaaaaaa",
        ]
        var tenants: [Tenant] = []
        var ownerTokens: [String] = []
        var apiKeys: [String] = []
        for slug in ["alpha", "bravo"] {
            let (tenant, owner) = try await app.makeTenant(slug: slug)
            let member = try await app.makeUser(tenant: slug, email: "member@\(slug).test")
            let token = try await app.login(slug, "owner@\(slug).test")
            _ = try await app.login(slug, "member@\(slug).test")
            let invited = try await app.invite(token, email: "invited@\(slug).test")
            let group = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Engineering"])
            let groupID = try #require(group.string("id"))
            let added = await app.request(
                .post, "/api/v1/groups/\(groupID)/members", token: token, json: ["userIds": [member.id]])
            #expect(added.status == 200)
            // Disabled, so any plan may create it.
            let policy = await app.request(
                .post, "/api/v1/mfa-policies", token: token,
                json: ["name": "Engineers", "enabled": false, "includedGroupIds": [groupID]])
            let policyID = try #require(policy.string("id"))
            let key = await app.request(.post, "/api/v1/api-keys", token: token, json: ["name": "robot"])
            let keyID = try #require(key.object("apiKey")?["id"] as? String)
            // A few failures so that an unlock would visibly change something.
            for _ in 0..<3 { _ = await app.loginResponse(slug, "member@\(slug).test", password: "wrong password") }
            if slug == "alpha" {
                ids[.aMember] = member.id
                ids[.aGroup] = groupID
            } else {
                ids[.bOwner] = owner.id
                ids[.bMember] = member.id
                ids[.bInvited] = invited.user.id
                ids[.bGroup] = groupID
                ids[.bAPIKey] = keyID
                ids[.bPolicy] = policyID
            }
            tenants.append(tenant)
            ownerTokens.append(token)
            apiKeys.append(try #require(key.string("secret")))
        }
        return World(
            app: app, alpha: tenants[0], bravo: tenants[1], ids: ids, alphaOwnerToken: ownerTokens[0],
            alphaAPIKey: apiKeys[0])
    }

    /// Every row that belongs to `tenant`, as text, to prove nothing changed.
    func snapshot(_ app: TestApp, _ tenant: Tenant) async throws -> [String] {
        let queries = [
            "SELECT * FROM tenants WHERE id = ?",
            "SELECT * FROM users WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM user_groups WHERE tenant_id = ? ORDER BY id",
            "SELECT m.* FROM group_members m JOIN user_groups g ON g.id = m.group_id WHERE g.tenant_id = ? ORDER BY m.group_id, m.user_id",
            "SELECT * FROM sessions WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM invitations WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM audit_events WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM mfa_factors WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM mfa_challenges WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM sms_codes WHERE tenant_id = ? ORDER BY id",
            "SELECT r.* FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.tenant_id = ? ORDER BY r.id",
            "SELECT * FROM messages WHERE tenant_id = ? ORDER BY id",
            "SELECT * FROM mfa_policies WHERE tenant_id = ? ORDER BY id",
            "SELECT g.* FROM mfa_policy_groups g JOIN mfa_policies p ON p.id = g.policy_id WHERE p.tenant_id = ? ORDER BY g.policy_id, g.group_id",
            "SELECT n.* FROM mfa_notices n JOIN users u ON u.id = n.user_id WHERE u.tenant_id = ? ORDER BY n.user_id, n.kind",
        ]
        var lines: [String] = []
        for sql in queries {
            for row in try await app.query(sql, [tenant.id]) {
                lines.append(sql.prefix(40) + ": " + row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return lines
    }

    func path(_ pattern: String, _ probe: Probe, ids: [Thing: String], ghost: Bool) throws -> String {
        try pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix(":") else { return String(segment) }
            let name = String(segment.dropFirst())
            guard let thing = probe.parameters[name] else {
                throw TestFailure("probe for \(pattern) does not say what :\(name) is")
            }
            return try #require(ids[ghost ? ghostly(thing) : thing])
        }
        .joined(separator: "/")
    }

    func ghostly(_ thing: Thing) -> Thing {
        switch thing {
        case .bGroup, .aGroup, .ghostGroup: .ghostGroup
        case .bAPIKey, .ghostAPIKey: .ghostAPIKey
        case .bPolicy, .ghostPolicy: .ghostPolicy
        default: .ghostUser
        }
    }

    func body(_ probe: Probe, ids: [Thing: String]) -> [String: Any]? {
        guard let body = probe.body else { return nil }
        return body.mapValues { value in
            guard let list = value as? [String] else { return value }
            return list.map { item in
                Thing.allCases.first { "<\($0)>" == item }.flatMap { ids[$0] } ?? item
            }
        }
    }

    @Test("every id-bearing route has an isolation probe, and every probe a route")
    func probesCoverRoutes() async throws {
        let app = try await TestApp()
        let routes = app.application.routeTable()
        let idRoutes = Set(routes.filter { $0.pattern.contains("/:") }.map { "\($0.method) \($0.pattern)" })
        #expect(!idRoutes.isEmpty)
        for route in idRoutes.sorted() where Self.probes[route] == nil && Self.pageRoutesTestedElsewhere[route] == nil {
            Issue.record("\(route) takes an id but TenantIsolationTests.probes has no probe for it")
        }
        for route in Self.pageRoutesTestedElsewhere.keys.sorted() where !idRoutes.contains(route) {
            Issue.record("TenantIsolationTests.pageRoutesTestedElsewhere lists \(route), which is not a route")
        }
        for route in Self.probes.keys.sorted() where !idRoutes.contains(route) {
            Issue.record("TenantIsolationTests.probes lists \(route), which is not a route (any more)")
        }
        // Every route in the table is really served (not "No such endpoint").
        for route in routes {
            let target = route.pattern.replacingOccurrences(of: ":id", with: "x").replacingOccurrences(
                of: ":userId", with: "y")
            let response = await app.request(route.method, target)
            #expect(response.errorMessage?.hasPrefix("No such endpoint") != true, "\(route.method) \(route.pattern)")
        }
    }

    @Test(
        "another tenant's ids answer 404 on every route, exactly like ids that do not exist, and change nothing",
        arguments: ["owner session", "API key"])
    func otherTenantsIDsAreNotFound(_ credential: String) async throws {
        let world = try await makeWorld()
        let app = world.app
        let token = credential == "API key" ? world.alphaAPIKey : world.alphaOwnerToken
        let bravoBefore = try await snapshot(app, world.bravo)
        let alphaBefore = try await snapshot(app, world.alpha)
        var probed = 0
        for route in app.application.routeTable() where route.pattern.contains("/:") {
            let name = "\(route.method) \(route.pattern)"
            for probe in Self.probes[name] ?? [] {
                let target = try path(route.pattern, probe, ids: world.ids, ghost: false)
                let response = await app.request(route.method, target, token: token, json: body(probe, ids: world.ids))
                #expect(response.status == 404, "\(name) as \(target): \(response.status) \(response.text)")
                #expect(response.errorCode == "not_found", "\(name)")
                let ghostTarget = try path(route.pattern, probe, ids: world.ids, ghost: true)
                let ghost = await app.request(
                    route.method, ghostTarget, token: token, json: body(probe, ids: world.ids))
                #expect(response.body == ghost.body, "\(name): the answer differs from a non-existent id's")
                probed += 1
            }
        }
        #expect(probed >= Self.probes.values.map(\.count).reduce(0, +))
        #expect(try await snapshot(app, world.bravo) == bravoBefore)
        // The caller's own tenant only gained the touch of its credential, never an audit event.
        let alphaAfter = try await snapshot(app, world.alpha)
        #expect(
            alphaAfter.filter { $0.hasPrefix("SELECT * FROM audit_events") }
                == alphaBefore.filter {
                    $0.hasPrefix("SELECT * FROM audit_events")
                })
    }

    @Test("ids in bodies and filters stay inside the tenant too")
    func idsInBodiesAndFilters() async throws {
        let world = try await makeWorld()
        let app = world.app
        let token = world.alphaOwnerToken
        let bravoBefore = try await snapshot(app, world.bravo)
        let aGroup = try #require(world.ids[.aGroup])
        let bMember = try #require(world.ids[.bMember])

        // Adding another tenant's user to one's own group is refused, and nothing is added.
        let add = await app.request(
            .post, "/api/v1/groups/\(aGroup)/members", token: token,
            json: ["userIds": [try #require(world.ids[.aMember]), bMember]])
        #expect(add.status == 422)
        #expect(add.errorField == "userIds")
        let members = await app.request(.get, "/api/v1/groups/\(aGroup)/members", token: token)
        #expect(members.items.count == 1)

        // Filters with another tenant's ids find nothing.
        #expect(try await app.auditEvents(token, ["targetId": bMember]).isEmpty)
        #expect(try await app.auditEvents(token, ["actorId": try #require(world.ids[.bOwner])]).isEmpty)
        let search = await app.request(.get, "/api/v1/users?q=bravo", token: token)
        #expect(search.status == 200)
        #expect(search.items.isEmpty)
        let all = await app.request(.get, "/api/v1/users?limit=200", token: token)
        #expect(all.items.allSatisfy { ($0["email"] as? String)?.hasSuffix("@alpha.test") == true })
        let groups = await app.request(.get, "/api/v1/groups", token: token)
        #expect(groups.items.map { $0["id"] as? String } == [aGroup])
        let keys = await app.request(.get, "/api/v1/api-keys", token: token)
        #expect(keys.items.count == 1)
        let audit = try await app.auditEvents(token, ["limit": "200"])
        #expect(audit.allSatisfy { ($0["target"] as? [String: Any])?["id"] as? String != bMember })

        // Another tenant's user cannot sign in through this tenant.
        #expect(await app.loginResponse("alpha", "owner@bravo.test").status == 401)
        #expect(try await snapshot(app, world.bravo) == bravoBefore)
    }

    @Test("every /api/v1 route except sign-in and invitation acceptance needs a credential")
    func everyAPIRouteNeedsAuthentication() async throws {
        let app = try await TestApp()
        for route in app.application.routeTable() where route.pattern.hasPrefix("/api/") {
            let name = "\(route.method) \(route.pattern)"
            guard !Self.publicAPIRoutes.contains(name) else { continue }
            let target = route.pattern.replacingOccurrences(of: ":id", with: "usr_aaaaaaaaaaaaaaaa")
                .replacingOccurrences(of: ":userId", with: "usr_aaaaaaaaaaaaaaaa")
            let response = await app.request(route.method, target, json: [String: Any]())
            #expect(response.status == 401, "\(name) answered \(response.status) without a credential")
        }
    }

    @Test("MFA routes act on the caller's own factors and challenges only")
    func mfaRoutesStayWithTheCaller() async throws {
        let world = try await makeWorld()
        let app = world.app
        let bravoMember = try await app.login("bravo", "member@bravo.test")
        let (bravoSecret, bravoCodes) = try await app.enrollTOTP(bravoMember)
        let alphaMember = try await app.login("alpha", "member@alpha.test")
        _ = try await app.enrollTOTP(alphaMember)
        let bravoBefore = try await snapshot(app, world.bravo)

        let overview = await app.request(.get, "/api/v1/me/mfa", token: world.alphaOwnerToken)
        #expect(overview.json["enrolled"] as? Bool == false)
        #expect(await app.request(.delete, "/api/v1/me/mfa/totp", token: world.alphaOwnerToken).status == 404)
        #expect(await app.request(.post, "/api/v1/me/mfa/recovery-codes", token: world.alphaOwnerToken).status == 409)
        // Bravo's code and recovery codes cannot answer Alpha's challenge.
        let challenge = try await app.challenge("alpha", "member@alpha.test")
        #expect(await app.verify(challenge, method: "totp", code: try app.totpCode(bravoSecret)).status == 401)
        #expect(await app.verify(challenge, method: "recovery_code", code: bravoCodes[0]).status == 401)
        #expect(try await snapshot(app, world.bravo) == bravoBefore)
    }
}
