import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The failure counter and growing lockout (SECURITY.md "Sign-in, lockout, enumeration").
@Suite("Failure counter and lockout")
struct LockoutTests {
    func fixture() async throws -> (app: TestApp, tenant: Tenant, owner: User, ownerToken: String, user: User) {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let token = try await app.login("acme", "owner@acme.test")
        let user = try await app.makeUser(tenant: "acme", email: "user@acme.test")
        return (app, tenant, owner, token, user)
    }

    func fail(_ app: TestApp, _ email: String = "user@acme.test") async -> TestApp.Response {
        await app.loginResponse("acme", email, password: "not the password")
    }

    /// Seconds from the clock's now to the user's lock end (nil when not locked).
    func lockSeconds(_ app: TestApp, _ userID: String) async throws -> Double? {
        try await app.lockedUntil(userID).map { $0.timeIntervalSince(app.clock.now()) }
    }

    @Test("50 parallel wrong passwords add exactly 50 to the counter")
    func parallelFailures() async throws {
        let (app, tenant, _, token, user) = try await fixture()
        // The highest threshold, so every one of the 50 is a counted failure, not a locked attempt.
        try await app.updateSettings(token, ["lockoutThreshold": 100])
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { await fail(app).status }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 401, count: 50))
        #expect(try await app.failedAttempts(user.id) == 50)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "auth.login.failed") == 50)
        let counts = try await app.query(
            "SELECT \(app.jsonField("details", "failedAttempts", integer: true)) AS n FROM audit_events "
                + "WHERE action = 'auth.login.failed'"
        )
        #expect(Set(try counts.map { try $0.decode("n", as: Int.self) }) == Set(1...50))
    }

    @Test("50 parallel failures with the default threshold: every counted one is unique, and the account ends locked")
    func parallelFailuresDefaultThreshold() async throws {
        let (app, _, _, _, user) = try await fixture()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = await fail(app) }
            }
        }
        let failures = try await app.failedAttempts(user.id)
        // Attempts that started after the lock do not count; the ones that did count are all kept.
        #expect(failures >= 10)
        #expect(failures <= 50)
        let recorded = try await app.query(
            "SELECT \(app.jsonField("details", "failedAttempts", integer: true)) AS n FROM audit_events "
                + "WHERE action = 'auth.login.failed' AND \(app.jsonField("details", "reason")) = 'wrong_password'"
        )
        #expect(Set(try recorded.map { try $0.decode("n", as: Int.self) }) == Set(1...failures))
        #expect(try await lockSeconds(app, user.id) != nil)
    }

    @Test("locked at the 10th failure; attempts while locked do not count and look the same")
    func lockAtThreshold() async throws {
        let (app, _, _, _, user) = try await fixture()
        for attempt in 1...9 {
            #expect(await fail(app).status == 401)
            #expect(try await app.failedAttempts(user.id) == attempt)
            #expect(try await app.lockedUntil(user.id) == nil)
        }
        let tenth = await fail(app)
        #expect(try await app.failedAttempts(user.id) == 10)
        #expect(try await lockSeconds(app, user.id) == 60)

        app.clock.advance(by: 30)
        let right = await app.loginResponse("acme", "user@acme.test")
        let wrong = await fail(app)
        #expect(right.status == 401)
        #expect(right.body == wrong.body)
        #expect(right.body == tenth.body)
        #expect(try await app.failedAttempts(user.id) == 10)
        #expect(try await lockSeconds(app, user.id) == 30)

        app.clock.advance(by: 31)
        _ = try await app.login("acme", "user@acme.test")
        #expect(try await app.failedAttempts(user.id) == 0)
        #expect(try await app.lockedUntil(user.id) == nil)
    }

    @Test("each failure after the threshold doubles the lock, up to an hour")
    func growingDelay() async throws {
        let (app, _, _, _, user) = try await fixture()
        for _ in 1...10 { _ = await fail(app) }
        var expected = 60.0
        var lengths: [Double] = []
        for _ in 0..<8 {
            let seconds = try #require(try await lockSeconds(app, user.id))
            lengths.append(seconds)
            #expect(seconds == expected)
            app.clock.advance(by: seconds + 1)
            _ = await fail(app)
            expected = min(expected * 2, 3600)
        }
        #expect(lengths == [60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(try await app.failedAttempts(user.id) == 18)
    }

    @Test("a success resets the counter")
    func successResets() async throws {
        let (app, _, _, _, user) = try await fixture()
        for _ in 1...9 { _ = await fail(app) }
        _ = try await app.login("acme", "user@acme.test")
        #expect(try await app.failedAttempts(user.id) == 0)
        for _ in 1...9 { _ = await fail(app) }
        #expect(try await app.lockedUntil(user.id) == nil)
    }

    @Test("the tenant's threshold applies")
    func tenantThreshold() async throws {
        let (app, _, _, token, user) = try await fixture()
        try await app.updateSettings(token, ["lockoutThreshold": 3])
        for _ in 1...2 { _ = await fail(app) }
        #expect(try await app.lockedUntil(user.id) == nil)
        _ = await fail(app)
        #expect(try await lockSeconds(app, user.id) == 60)
        #expect(await app.loginResponse("acme", "user@acme.test").status == 401)
    }

    @Test("never more than 100 consecutive failures: then locked until an administrator unlocks")
    func hardLimit() async throws {
        let (app, tenant, _, token, user) = try await fixture()
        var failures = 0
        while failures < 100 {
            if let seconds = try await lockSeconds(app, user.id), seconds > 0 {
                app.clock.advance(by: seconds)
            }
            _ = await fail(app)
            failures += 1
            #expect(try await app.failedAttempts(user.id) == failures)
        }
        // Ten years later, still locked, and further attempts are not counted.
        app.clock.advance(by: 10 * 365 * 86_400)
        #expect(await app.loginResponse("acme", "user@acme.test").status == 401)
        #expect(await fail(app).status == 401)
        #expect(try await app.failedAttempts(user.id) == 100)
        // The owner's earlier session idled out during the ten years; a fresh one unlocks.
        #expect(await app.request(.get, "/api/v1/me", token: token).status == 401)
        let fresh = try await app.login("acme", "owner@acme.test")
        let shown = await app.request(.get, "/api/v1/users/\(user.id)", token: fresh)
        #expect(shown.json["failedAttempts"] as? Int == 100)
        let unlocked = await app.request(.post, "/api/v1/users/\(user.id)/unlock", token: fresh)
        #expect(unlocked.status == 200)
        #expect(unlocked.json["failedAttempts"] as? Int == 0)
        #expect(try await app.failedAttempts(user.id) == 0)
        _ = try await app.login("acme", "user@acme.test")
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.unlocked") == 1)
        #expect(try await app.auditCount(tenantID: tenant.id, action: "user.locked") >= 1)
    }

    @Test("LockoutPolicy keeps its threshold within 3…100 and its hard limit at 100")
    func policyBounds() {
        #expect(LockoutPolicy(threshold: 1).threshold == 3)
        #expect(LockoutPolicy(threshold: 500).threshold == 100)
        let policy = LockoutPolicy()
        #expect(policy.lockMilliseconds(afterFailures: 9) == nil)
        #expect(policy.lockMilliseconds(afterFailures: 10) == 60_000)
        #expect(policy.lockMilliseconds(afterFailures: 11) == 120_000)
        #expect(policy.lockMilliseconds(afterFailures: 99) == 3_600_000)
        #expect(policy.lockMilliseconds(afterFailures: 100) == Int64.max)
    }
}
