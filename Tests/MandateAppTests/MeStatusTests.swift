import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// `GET /me` decides the caller's MFA status from what authentication read, unless a group policy
/// may apply (then it reads the policies and memberships): either way its `mfa` must equal what an
/// administrator sees for the same user (`GET /users/{id}`, which always reads).
@Suite("Me MFA status")
struct MeStatusTests {
    static let day: TimeInterval = 86_400

    /// An enterprise tenant with a member: the app, the member, the owner's and the member's tokens.
    static func enterpriseTenant() async throws -> (app: TestApp, member: User, owner: String, token: String) {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: "enterprise")
        let member = try await app.makeUser(tenant: "acme", email: "member@acme.test")
        return (app, member, try await app.login("acme", "owner@acme.test"), try await app.login("acme", member.email))
    }

    /// `/me`'s `mfa` and the admin view's, for the member behind `memberToken`.
    func both(_ app: TestApp, owner: String, memberToken: String, memberID: String) async throws -> (
        me: [String: Any], admin: [String: Any]
    ) {
        let me = await app.request(.get, "/api/v1/me", token: memberToken)
        let admin = await app.request(.get, "/api/v1/users/\(memberID)", token: owner)
        guard me.status == 200, admin.status == 200, let mine = me.json["mfa"] as? [String: Any],
            let theirs = admin.json["mfa"] as? [String: Any]
        else { throw TestFailure("GET /me: \(me.status) \(me.text); GET user: \(admin.status) \(admin.text)") }
        return (mine, theirs)
    }

    /// Expects `/me` to equal the admin view and to have `status`; returns `/me`'s `mfa`.
    @discardableResult
    func expectSame(
        _ app: TestApp, owner: String, memberToken: String, memberID: String, status: String,
        _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let (me, admin) = try await both(app, owner: owner, memberToken: memberToken, memberID: memberID)
        #expect(
            me as NSDictionary == admin as NSDictionary, "\(comment): \(me) vs \(admin)", sourceLocation: sourceLocation
        )
        #expect(me["status"] as? String == status, "\(comment): \(me)", sourceLocation: sourceLocation)
        return me
    }

    @Test("/me's mfa equals the admin view: none, org grace, user requirement, lifted, exempt, enrolled")
    func meEqualsAdminView() async throws {
        let (app, member, owner, token) = try await Self.enterpriseTenant()
        func same(_ status: String, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation)
            async throws -> [String: Any]
        {
            try await expectSame(
                app, owner: owner, memberToken: token, memberID: member.id, status: status, comment,
                sourceLocation: sourceLocation)
        }

        // No requirement.
        _ = try await same("not_enrolled", "no requirement")

        // The organization's requirement, in its enrollment period.
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        app.clock.advance(by: 600)  // within the sessions' idle timeout
        let grace = try await same("enrollment_period", "org requirement in grace")
        #expect((grace["sources"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["org"])

        // The user's own requirement, then lifted by a downgrade: kept in `users`, no longer applying.
        try await app.updateSettings(owner, ["mfaRequired": false])
        let required = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 3])
        #expect(required.status == 200, "\(required.text)")
        let own = try await same("enrollment_period", "user requirement")
        #expect((own["userRequirement"] as? [String: Any])?["required"] as? Bool == true)
        app.clock.advance(by: 60)
        let liftedAt = app.clock.now()
        _ = try await app.database.write { connection in
            try connection.run("UPDATE tenants SET mfa_user_lifted_at = ?", liftedAt)
        }
        #expect(try await app.userColumn("mfa_required", of: member.id, as: Bool.self) == true)
        let lifted = try await same("not_enrolled", "user requirement lifted by a downgrade")
        #expect((lifted["userRequirement"] as? [String: Any])?["required"] as? Bool == false)
        #expect(lifted["required"] as? Bool == false)

        // Exempt while the organization requires MFA now.
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        _ = try await same("setup_required", "org requirement past its period")
        let exempted = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner,
            json: ["mfaExemptUntil": Timestamp.iso8601(app.clock.now().addingTimeInterval(2 * Self.day))])
        #expect(exempted.status == 200, "\(exempted.text)")
        let exempt = try await same("exempt", "exempt")
        #expect(exempt["exempt"] as? Bool == true)
        #expect(exempt["exemptUntil"] != nil)
        let unexempted = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaExempt": false])
        #expect(unexempted.status == 200, "\(unexempted.text)")

        // Enrolled (from a fresh full session, as factor changes need), then required by the organization.
        try await app.updateSettings(owner, ["mfaRequired": false])
        let fresh = try await app.login("acme", member.email)
        _ = try await app.enrollTOTP(fresh)
        _ = try await expectSame(
            app, owner: owner, memberToken: fresh, memberID: member.id, status: "enrolled", "enrolled")
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        let enrolled = try await expectSame(
            app, owner: owner, memberToken: fresh, memberID: member.id, status: "enrolled", "enrolled and required")
        #expect(enrolled["canDisableMfa"] as? Bool == false)
    }

    @Test("/me's mfa equals the admin view with group policies: disabled (no read), enabled (read)")
    func meEqualsAdminViewWithPolicies() async throws {
        let (app, member, owner, token) = try await Self.enterpriseTenant()
        func same(_ status: String, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation)
            async throws -> [String: Any]
        {
            try await expectSame(
                app, owner: owner, memberToken: token, memberID: member.id, status: status, comment,
                sourceLocation: sourceLocation)
        }
        let group = await app.request(.post, "/api/v1/groups", token: owner, json: ["name": "Finance"])
        let groupID = try #require(group.string("id"))
        let added = await app.request(
            .post, "/api/v1/groups/\(groupID)/members", token: owner, json: ["userIds": [member.id]])
        #expect(added.status < 300, "\(added.text)")

        // A disabled policy: no enabled policy, so /me decides without a read.
        let policy = await app.request(
            .post, "/api/v1/mfa-policies", token: owner,
            json: ["name": "Finance needs MFA", "includedGroupIds": [groupID], "enrollmentDays": 5, "enabled": false])
        #expect(policy.status == 201, "\(policy.text)")
        let policyID = try #require(policy.string("id"))
        _ = try await same("not_enrolled", "disabled policy")

        // Enabled: the read path, the member's group brings the policy's period.
        let enabled = await app.request(
            .patch, "/api/v1/mfa-policies/\(policyID)", token: owner, json: ["enabled": true])
        #expect(enabled.status == 200, "\(enabled.text)")
        app.clock.advance(by: 600)
        let grace = try await same("enrollment_period", "enabled policy")
        #expect(
            (grace["sources"] as? [[String: Any]])?.map { $0["policyId"] as? String } == [policyID], "\(grace)")

        // With the organization's requirement too: both sources listed, the earliest deadline.
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 1])
        let both = try await same("enrollment_period", "enabled policy and org requirement")
        #expect(
            Set((both["sources"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }) == ["org", "group"])
    }

    @Test("/me ignores an enabled policy the plan does not have (no read), as the admin view does")
    func policyWithoutTheFeature() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "small", plan: "team")
        let member = try await app.makeUser(tenant: "small", email: "member@small.test")
        let owner = try await app.login("small", "owner@small.test")
        let token = try await app.login("small", member.email)
        let now = app.clock.now()
        // Left over from a richer plan (a downgrade disables policies; this one was not).
        _ = try await app.database.write { connection in
            try connection.run(
                """
                INSERT INTO mfa_policies (id, tenant_id, name, enabled, include_all, enrollment_days, enabled_at,
                    created_at, updated_at)
                VALUES ('pol_left_over', ?, 'Everyone', 1, 1, 0, ?, ?, ?)
                """, tenant.id, now, now, now)
        }
        let required = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true])
        #expect(required.status == 200, "\(required.text)")
        let mfa = try await expectSame(
            app, owner: owner, memberToken: token, memberID: member.id, status: "setup_required", "team plan")
        #expect((mfa["sources"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["user"])
    }
}
