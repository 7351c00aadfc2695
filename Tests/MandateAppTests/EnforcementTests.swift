import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// MFA enforcement through the API (issue 6): one test per row of the table and per rule
/// of DESIGN.md §3 "Enforcement", on a manual clock.
@Suite("Enforcement")
struct EnforcementTests {
    static let day: TimeInterval = 86_400

    /// A tenant `slug` on `plan` with an owner token and one member.
    func setUp(_ app: TestApp, slug: String = "acme", plan: String = "enterprise") async throws -> (
        owner: String, member: User
    ) {
        try await app.makeTenant(slug: slug, plan: plan)
        let member = try await app.makeUser(tenant: slug, email: "member@\(slug).test")
        return (try await app.login(slug, "owner@\(slug).test"), member)
    }

    func me(_ app: TestApp, _ token: String) async throws -> [String: Any] {
        let response = await app.request(.get, "/api/v1/me", token: token)
        guard response.status == 200, let mfa = response.json["mfa"] as? [String: Any] else {
            throw TestFailure("GET /me: \(response.status) \(response.text)")
        }
        return mfa
    }

    func status(_ app: TestApp, _ owner: String, of userID: String) async throws -> [String: Any] {
        let response = await app.request(.get, "/api/v1/users/\(userID)", token: owner)
        guard response.status == 200, let mfa = response.json["mfa"] as? [String: Any] else {
            throw TestFailure("GET user: \(response.status) \(response.text)")
        }
        return mfa
    }

    @Test("a user already enrolled when enforcement starts: nothing changes, but they cannot disable MFA")
    func enrolledBeforeEnforcement() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let memberToken = try await app.login("acme", member.email)
        _ = try await app.enrollTOTP(memberToken)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        var mfa = try await me(app, memberToken)
        #expect(mfa["status"] as? String == "enrolled")
        #expect(mfa["canDisableMfa"] as? Bool == false)
        let removed = await app.request(.delete, "/api/v1/me/mfa/totp", token: memberToken)
        #expect(removed.status == 403)
        #expect(removed.errorCode == "mfa_enforced")
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).count == 1)
        // Enforcement off: the factor stays and disabling is allowed again.
        try await app.updateSettings(owner, ["mfaRequired": false])
        mfa = try await me(app, memberToken)
        #expect(mfa["status"] as? String == "enrolled")
        #expect(mfa["canDisableMfa"] as? Bool == true)
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).count == 1)
        #expect(await app.request(.delete, "/api/v1/me/mfa/totp", token: memberToken).status == 204)
    }

    @Test("an admin may enforce on themselves; it takes effect at their next sign-in")
    func adminEnforcesOnThemselves() async throws {
        let app = try await TestApp()
        let (owner, _) = try await setUp(app)
        let ownerID = try #require(try await app.principal(owner).user?.id)
        let changed = await app.request(
            .patch, "/api/v1/users/\(ownerID)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 0])
        #expect(changed.status == 200, "\(changed.text)")
        #expect((changed.json["mfa"] as? [String: Any])?["status"] as? String == "setup_required")
        // The current session goes on…
        #expect(await app.request(.get, "/api/v1/users", token: owner).status == 200)
        // …and the next sign-in lands on forced setup.
        let login = await app.loginResponse("acme", "owner@acme.test")
        #expect(login.status == 200)
        #expect(login.json["status"] as? String == "mfa_setup_required")
        #expect(login.json["mfaSetupRequired"] as? Bool == true)
    }

    @Test("signed-in users are not signed out when enforcement starts (default sign-out policy)")
    func notSignedOutByDefault() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let memberToken = try await app.login("acme", member.email)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        #expect(try await app.sessionCount(userID: member.id) == 1)
        let mfa = try await me(app, memberToken)
        #expect(mfa["status"] as? String == "setup_required")
        #expect(mfa["required"] as? Bool == true)
        #expect((mfa["sources"] as? [[String: Any]])?.first?["kind"] as? String == "org")
    }

    @Test("sign-out policy 'immediately' ends the sessions of users who must set up now, and only theirs")
    func signOutImmediately() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let enrolled = try await app.makeUser(tenant: "acme", email: "enrolled@acme.test")
        let enrolledToken = try await app.login("acme", enrolled.email)
        _ = try await app.enrollTOTP(enrolledToken)
        _ = try await app.login("acme", member.email)
        try await app.updateSettings(owner, ["mfaSignOutPolicy": "immediately"])
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        #expect(try await app.sessionCount(userID: member.id) == 0)
        #expect(try await app.sessionCount(userID: enrolled.id) == 1)
    }

    @Test("an invited user with a requirement lands on forced setup right after setting a password")
    func invitedUserForcedSetup() async throws {
        let app = try await TestApp()
        let (owner, _) = try await setUp(app)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        let invited = try await app.invite(owner, email: "new@acme.test")
        #expect(try await status(app, owner, of: invited.user.id)["status"] as? String == "pre_enrollment")
        let accepted = await app.request(
            .post, "/api/v1/invitations/accept",
            json: ["token": invited.token.value, "password": "a long enough passphrase 1"])
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(accepted.json["status"] as? String == "mfa_setup_required")
        let setupToken = try #require(accepted.json["token"] as? String)
        // A setup-only session reaches nothing but setup, /me and sign-out.
        let elsewhere = await app.request(.post, "/api/v1/me/password", token: setupToken, json: [:])
        #expect(elsewhere.status == 403)
        #expect(elsewhere.errorCode == "mfa_setup_required")
        #expect(await app.request(.get, "/api/v1/me", token: setupToken).status == 200)
        // Completing setup rotates it into a full session.
        let started = await app.request(.post, "/api/v1/me/mfa/totp", token: setupToken)
        let secret = try #require(started.string("secret"))
        let confirmed = await app.request(
            .post, "/api/v1/me/mfa/totp/confirm", token: setupToken, json: ["code": try app.totpCode(secret)])
        #expect(confirmed.status == 200)
        let session = try #require(confirmed.json["session"] as? [String: Any])
        #expect(session["status"] as? String == "authenticated")
        let fullToken = try #require(session["token"] as? String)
        #expect(await app.request(.get, "/api/v1/me", token: setupToken).status == 401)
        #expect(try await me(app, fullToken)["status"] as? String == "enrolled")
    }

    @Test("pre-enrollment: the enrollment period starts at activation, not when the requirement did")
    func periodStartsAtActivation() async throws {
        let app = try await TestApp()
        let (owner, _) = try await setUp(app)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        let invited = try await app.invite(owner, email: "late@acme.test")
        app.clock.advance(by: 5 * Self.day)
        let activation = app.clock.now()
        let accepted = await app.request(
            .post, "/api/v1/invitations/accept",
            json: ["token": invited.token.value, "password": "a long enough passphrase 1"])
        #expect(accepted.json["status"] as? String == "authenticated")
        #expect(accepted.json["mfaStatus"] as? String == "enrollment_period")
        let deadline = try #require(accepted.json["enrollmentDeadline"] as? String)
        #expect(Timestamp.parse(deadline) == activation.addingTimeInterval(7 * Self.day))
    }

    @Test("lost phone: the admin exempts, the user signs in without the lost factor, re-enrolls, the exemption ends")
    func lostPhone() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let memberToken = try await app.login("acme", member.email)
        _ = try await app.enrollTOTP(memberToken)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 0])
        let exempted = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner,
            json: ["mfaExemptUntil": Timestamp.iso8601(app.clock.now().addingTimeInterval(2 * Self.day))])
        #expect(exempted.status == 200, "\(exempted.text)")
        #expect((exempted.json["mfa"] as? [String: Any])?["exempt"] as? Bool == true)
        // Signing in asks for no second factor while exempt…
        let login = await app.loginResponse("acme", member.email)
        #expect(login.json["status"] as? String == "authenticated", "\(login.text)")
        let token = try #require(login.json["token"] as? String)
        // …and enrolling the new phone's app ends the exemption.
        _ = try await app.enrollTOTP(token)
        let mfa = try await status(app, owner, of: member.id)
        #expect(mfa["exempt"] as? Bool == false)
        #expect(mfa["status"] as? String == "enrolled")
        let events = try await app.query(
            "SELECT action FROM audit_events WHERE target_id = ? AND action LIKE 'mfa.exemption.%' ORDER BY id",
            [member.id])
        #expect(
            try events.map { try $0.decode("action", as: String.self) } == [
                "mfa.exemption.granted", "mfa.exemption.ended",
            ])
        // Admins cannot exempt themselves.
        let ownerID = try #require(try await app.principal(owner).user?.id)
        let selfExempt = await app.request(.patch, "/api/v1/users/\(ownerID)", token: owner, json: ["mfaExempt": true])
        #expect(selfExempt.status == 403)
    }

    @Test("several sources: the earliest deadline wins, and every source is listed")
    func earliestDeadlineWins() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let start = app.clock.now()
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 14])
        let changed = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 3])
        #expect(changed.status == 200)
        let mfa = try #require(changed.json["mfa"] as? [String: Any])
        #expect(mfa["status"] as? String == "enrollment_period")
        #expect(Timestamp.parse(mfa["deadline"] as? String ?? "") == start.addingTimeInterval(3 * Self.day))
        #expect(
            Set((mfa["sources"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }) == ["org", "user"])
        let listed = await app.request(.get, "/api/v1/users?mfaStatus=enrollment_period", token: owner)
        let row = try #require(listed.items.first { $0["id"] as? String == member.id })
        let summary = try #require(row["mfa"] as? [String: Any])
        #expect(summary["sources"] as? [String] == ["org", "user"])
        #expect(Timestamp.parse(summary["deadline"] as? String ?? "") == start.addingTimeInterval(3 * Self.day))
    }

    @Test("local_only spares SSO users")
    func localOnlySparesSSO() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        _ = try await app.database.write { connection in
            try connection.run("UPDATE users SET auth_source = 'sso' WHERE id = ?", member.id)
        }
        try await app.updateSettings(
            owner, ["mfaRequired": true, "mfaEnrollmentDays": 0, "mfaAppliesTo": "local_only"])
        #expect(try await status(app, owner, of: member.id)["status"] as? String == "not_enrolled")
        try await app.updateSettings(owner, ["mfaAppliesTo": "all"])
        #expect(try await status(app, owner, of: member.id)["status"] as? String == "setup_required")
    }

    @Test("a user added to a group under a policy gets the policy's period from the day they were added")
    func groupMembershipStartsTheClock() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let group = await app.request(.post, "/api/v1/groups", token: owner, json: ["name": "Finance"])
        let groupID = try #require(group.string("id"))
        let policy = await app.request(
            .post, "/api/v1/mfa-policies", token: owner,
            json: ["name": "Finance needs MFA", "includedGroupIds": [groupID], "enrollmentDays": 7])
        #expect(policy.status == 201, "\(policy.text)")
        #expect(try await status(app, owner, of: member.id)["status"] as? String == "not_enrolled")
        app.clock.advance(by: 30 * Self.day)
        let added = app.clock.now()
        let admin = try await app.login("acme", "owner@acme.test")
        _ = await app.request(.post, "/api/v1/groups/\(groupID)/members", token: admin, json: ["userIds": [member.id]])
        let mfa = try await status(app, admin, of: member.id)
        #expect(mfa["status"] as? String == "enrollment_period")
        #expect(Timestamp.parse(mfa["deadline"] as? String ?? "") == added.addingTimeInterval(7 * Self.day))
        let filtered = await app.request(.get, "/api/v1/users?group=\(groupID)&required=true", token: admin)
        #expect(filtered.items.map { $0["id"] as? String } == [member.id])
    }

    @Test("lock_out: past the deadline the user cannot sign in until an admin resets their enrollment period")
    func lockOut() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        // An API key outlives the owner's session across the days below.
        let key = try #require(
            await app.request(.post, "/api/v1/api-keys", token: owner, json: ["name": "admin robot"]).string("secret"))
        try await app.updateSettings(
            owner, ["mfaRequired": true, "mfaEnrollmentDays": 2, "mfaExpiryAction": "lock_out"])
        app.clock.advance(by: 1 * Self.day)
        let during = await app.loginResponse("acme", member.email)
        #expect(during.json["status"] as? String == "authenticated")
        #expect(during.json["enrollmentDeadline"] != nil)
        app.clock.advance(by: 1 * Self.day)
        let refused = await app.loginResponse("acme", member.email)
        #expect(refused.status == 403)
        #expect(refused.errorCode == "mfa_enrollment_expired")
        #expect(refused.text.contains("Ask an administrator"))
        // Owners are never locked out (someone must be able to reset the others): forced setup.
        let ownerLogin = await app.loginResponse("acme", "owner@acme.test")
        #expect(ownerLogin.json["status"] as? String == "mfa_setup_required", "\(ownerLogin.text)")
        let reset = await app.request(.post, "/api/v1/users/\(member.id)/mfa/enrollment/reset", token: key)
        #expect(reset.status == 200)
        #expect((reset.json["mfa"] as? [String: Any])?["status"] as? String == "enrollment_period")
        #expect(await app.loginResponse("acme", member.email).json["status"] as? String == "authenticated")
        let audit = try await app.query(
            "SELECT details FROM audit_events WHERE action = 'mfa.enrollment.reset' AND target_id = ?", [member.id])
        let details = try #require(audit.first).decode("details", as: String.self)
        #expect(details.contains("expired") && details.contains("enrollment_period"))
    }

    @Test("plan gating: switching a source on needs the feature (403 plan_upgrade_required); off always works")
    func planGating() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app, slug: "small", plan: "team")
        let org = await app.request(
            .patch, "/api/v1/organization/settings", token: owner, json: ["mfaRequired": true])
        #expect(org.status == 403)
        #expect(org.errorCode == "plan_upgrade_required")
        let graced = await app.request(
            .patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true, "mfaEnrollmentDays": 5])
        #expect(graced.errorCode == "plan_upgrade_required")
        let user = await app.request(.patch, "/api/v1/users/\(member.id)", token: owner, json: ["mfaRequired": true])
        #expect(user.status == 200)
        #expect((user.json["mfa"] as? [String: Any])?["status"] as? String == "setup_required")
        let policy = await app.request(
            .post, "/api/v1/mfa-policies", token: owner, json: ["name": "Everyone", "includeAllUsers": true])
        #expect(policy.errorCode == "plan_upgrade_required")
        #expect(
            await app.request(.patch, "/api/v1/organization/settings", token: owner, json: ["mfaRequired": false])
                .status == 200)
        #expect(
            await app.request(
                .patch, "/api/v1/organization/settings", token: owner, json: ["mfaSignOutPolicy": "midnight"]
            )
            .errorCode == "plan_upgrade_required")
    }

    @Test("only manageUsers may change requirements; members read their own status")
    func onlyAdmins() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let memberToken = try await app.login("acme", member.email)
        let ownerID = try #require(try await app.principal(owner).user?.id)
        for (method, path, body) in [
            (HTTPMethod.patch, "/api/v1/organization/settings", ["mfaRequired": true] as [String: Any]),
            (.patch, "/api/v1/users/\(member.id)", ["mfaRequired": false]),
            (.post, "/api/v1/users/bulk", ["userIds": [ownerID], "action": "remove_requirement"]),
            (.post, "/api/v1/users/\(ownerID)/mfa/reset", [:]),
            (.post, "/api/v1/users/\(ownerID)/mfa/enrollment/reset", [:]),
            (.post, "/api/v1/mfa-policies", ["name": "x", "enabled": false]),
        ] {
            let response = await app.request(method, path, token: memberToken, json: body)
            #expect(response.status == 403, "\(method) \(path)")
        }
        #expect(try await me(app, memberToken)["status"] as? String == "not_enrolled")
    }

    @Test("bulk: all selected users or none; another tenant's id changes nothing")
    func bulk() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let second = try await app.makeUser(tenant: "acme", email: "second@acme.test")
        let (_, stranger) = try await app.makeTenant(slug: "other")
        let refused = await app.request(
            .post, "/api/v1/users/bulk", token: owner,
            json: ["userIds": [member.id, stranger.id], "action": "require", "enrollmentDays": 10])
        #expect(refused.status == 404)
        #expect(try await app.userColumn("mfa_required", of: member.id, as: Bool.self) == false)
        let applied = await app.request(
            .post, "/api/v1/users/bulk", token: owner,
            json: ["userIds": [member.id, second.id], "action": "require", "enrollmentDays": 10])
        #expect(applied.status == 200, "\(applied.text)")
        #expect(applied.json["updated"] as? Int == 2)
        let counts = await app.request(.get, "/api/v1/users/mfa-status-counts", token: owner)
        let byStatus = try #require(counts.json["counts"] as? [String: Int])
        #expect(byStatus["enrollment_period"] == 2)
        #expect(byStatus["not_enrolled"] == 1)
        #expect(counts.json["total"] as? Int == 3)
        let tooMany = await app.request(
            .post, "/api/v1/users/bulk", token: owner,
            json: ["userIds": [member.id], "action": "require", "enrollmentDays": 400])
        #expect(tooMany.status == 422)
        let audit = try await app.query(
            "SELECT details FROM audit_events WHERE action = 'mfa.user_requirement.updated' AND target_id = ?",
            [member.id])
        #expect(try audit.first?.decode("details", as: String.self).contains("[\"false\",\"true\"]") == true)
    }

    @Test("an admin reset of a user's MFA removes their factors, ends their sessions and tells them")
    func resetMFA() async throws {
        let app = try await TestApp()
        let (owner, member) = try await setUp(app)
        let memberToken = try await app.login("acme", member.email)
        _ = try await app.enrollTOTP(memberToken)
        let emailsBefore = try await app.query("SELECT 1 FROM messages WHERE user_id = ?", [member.id]).count
        let reset = await app.request(.post, "/api/v1/users/\(member.id)/mfa/reset", token: owner)
        #expect(reset.status == 200, "\(reset.text)")
        #expect(try await app.query("SELECT 1 FROM mfa_factors WHERE user_id = ?", [member.id]).isEmpty)
        #expect(try await app.query("SELECT 1 FROM recovery_codes WHERE user_id = ?", [member.id]).isEmpty)
        #expect(try await app.sessionCount(userID: member.id) == 0)
        #expect(try await app.query("SELECT 1 FROM messages WHERE user_id = ?", [member.id]).count == emailsBefore + 1)
        #expect(await app.loginResponse("acme", member.email).json["status"] as? String == "authenticated")
    }

    @Test("enforcement settings are audited with their before and after values")
    func auditBeforeAfter() async throws {
        let app = try await TestApp()
        let (owner, _) = try await setUp(app)
        try await app.updateSettings(owner, ["mfaRequired": true, "mfaEnrollmentDays": 10])
        let rows = try await app.query(
            "SELECT details FROM audit_events WHERE action = 'mfa.org_enforcement.updated'")
        let details = try #require(rows.first).decode("details", as: String.self)
        #expect(details.contains("\"mfaRequired\":[\"false\",\"true\"]"))
        #expect(details.contains("\"mfaEnrollmentDays\":[\"7\",\"10\"]"))
    }
}
