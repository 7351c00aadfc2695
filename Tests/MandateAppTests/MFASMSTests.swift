import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// SMS codes: enrollment, the sign-in challenge, expiry, wrong tries, resends, binding, and the
/// anti-abuse limits that refuse before anything is queued (SECURITY.md "SMS abuse").
@Suite("MFA: SMS codes")
struct MFASMSTests {
    static let phone = "+44 7700 900123"

    /// Alice (SMS enrolled) and Bob (another user), in an enterprise tenant.
    func makeApp(plan: String = "enterprise") async throws -> (TestApp, alice: String, bob: String) {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: plan)
        try await app.makeUser(tenant: "acme", email: "alice@acme.test")
        try await app.makeUser(tenant: "acme", email: "bob@acme.test")
        let alice = try await app.login("acme", "alice@acme.test")
        let bob = try await app.login("acme", "bob@acme.test")
        return (app, alice, bob)
    }

    /// A challenge for Alice with a code sent; returns both.
    func challengeWithCode(_ app: TestApp) async throws -> (challenge: String, code: String) {
        let challenge = try await app.challenge("acme", "alice@acme.test")
        let sent = await app.sendChallengeSMS(challenge)
        guard sent.status == 202, let messageID = sent.string("messageId") else {
            throw TestFailure("sending failed: \(sent.status) \(sent.text)")
        }
        return (challenge, try await app.smsCode(messageID: messageID))
    }

    @Test("enroll a phone with the code sent to it, then sign in with an SMS code")
    func enrollAndSignIn() async throws {
        let (app, alice, _) = try await makeApp()
        let sent = await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": Self.phone])
        #expect(sent.status == 202)
        #expect(sent.string("phoneNumber") == "+••••••••••23")
        let messageID = try #require(sent.string("messageId"))
        let overview = await app.request(.get, "/api/v1/me/mfa", token: alice)
        #expect(overview.json["enrolled"] as? Bool == false)
        #expect((overview.json["pendingSms"] as? [String: Any])?["delivery"] as? String == "queued")
        let code = try await app.smsCode(messageID: messageID)
        let confirmed = await app.request(.post, "/api/v1/me/mfa/sms/confirm", token: alice, json: ["code": code])
        #expect(confirmed.status == 200, "\(confirmed.text)")
        #expect((confirmed.json["recoveryCodes"] as? [String])?.count == 10)
        // The job goes to the E.164 number; the text names the organization.
        let payload = try await app.query("SELECT payload FROM jobs WHERE kind = 'sms.send'")
        #expect(try payload.first?.decode(0, as: String.self).contains("\"to\":\"+447700900123\"") == true)

        app.clock.advance(by: 60)
        let login = await app.loginResponse("acme", "alice@acme.test")
        #expect(login.json["methods"] as? [String] == ["sms", "recovery_code"])
        let (challenge, signInCode) = try await challengeWithCode(app)
        let verified = await app.verify(challenge, method: "sms", code: signInCode)
        #expect(verified.status == 200, "\(verified.text)")
        #expect(verified.string("token") != nil)
        // Single use.
        let again = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.verify(again, method: "sms", code: signInCode).errorCode == "no_code_sent")
    }

    @Test("a code is accepted until 10 minutes and refused at 10 minutes + 1 second")
    func expiry() async throws {
        let (app, alice, _) = try await makeApp()
        try await app.enrollSMS(alice, phone: Self.phone)
        app.clock.advance(by: 60)
        let (late, lateCode) = try await challengeWithCode(app)
        app.clock.advance(by: 601)
        let expired = await app.verify(late, method: "sms", code: lateCode)
        #expect(expired.status == 401)
        #expect(expired.errorCode == "code_expired")
        let (onTime, code) = try await challengeWithCode(app)
        app.clock.advance(by: 599)
        #expect(await app.verify(onTime, method: "sms", code: code).status == 200)
    }

    @Test("after 5 wrong tries the 6th is refused, even with the right code")
    func sixthTry() async throws {
        let (app, alice, _) = try await makeApp()
        try await app.enrollSMS(alice, phone: Self.phone)
        app.clock.advance(by: 60)
        let (challenge, code) = try await challengeWithCode(app)
        let wrong = code == "000000" ? "111111" : "000000"
        for _ in 0..<5 { #expect(await app.verify(challenge, method: "sms", code: wrong).errorCode == "invalid_code") }
        let sixth = await app.verify(challenge, method: "sms", code: code)
        #expect(sixth.status == 401)
        #expect(sixth.errorCode == "too_many_attempts")
    }

    @Test("a resend kills the old code and does not reset the wrong-try count")
    func resend() async throws {
        let (app, alice, _) = try await makeApp()
        try await app.enrollSMS(alice, phone: Self.phone)
        app.clock.advance(by: 120)
        let (challenge, first) = try await challengeWithCode(app)
        let wrong = "999999"
        for _ in 0..<3 { _ = await app.verify(challenge, method: "sms", code: wrong) }
        // Too early for another code: 429 with Retry-After, nothing queued.
        let jobs = try await app.jobCount(kind: "sms.send")
        let early = await app.sendChallengeSMS(challenge)
        #expect(early.status == 429)
        #expect(Int(early.headers["Retry-After"] ?? "") ?? 0 > 0)
        #expect(try await app.jobCount(kind: "sms.send") == jobs)
        app.clock.advance(by: Double(Int(early.headers["Retry-After"] ?? "0") ?? 0))
        let resent = await app.sendChallengeSMS(challenge)
        #expect(resent.status == 202, "\(resent.text)")
        let second = try await app.smsCode(messageID: try #require(resent.string("messageId")))
        if first != second {
            #expect(await app.verify(challenge, method: "sms", code: first).errorCode == "invalid_code")
        } else {
            _ = await app.verify(challenge, method: "sms", code: wrong)
        }
        _ = await app.verify(challenge, method: "sms", code: wrong)
        // Five wrong answers across both codes: the new one is dead too (and that try counts as well).
        #expect(await app.verify(challenge, method: "sms", code: second).errorCode == "too_many_attempts")
        #expect(try await app.failedAttempts(try #require(try await app.principal(alice).user?.id)) == 6)
    }

    @Test("user B's code cannot finish user A's sign-in")
    func binding() async throws {
        let (app, alice, bob) = try await makeApp()
        try await app.enrollSMS(alice, phone: Self.phone)
        try await app.enrollSMS(bob, phone: "+44 7700 900456")
        app.clock.advance(by: 120)
        let aliceChallenge = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.sendChallengeSMS(aliceChallenge).status == 202)
        let bobChallenge = try await app.challenge("acme", "bob@acme.test")
        let bobSent = await app.sendChallengeSMS(bobChallenge)
        let bobCode = try await app.smsCode(messageID: try #require(bobSent.string("messageId")))
        let crossed = await app.verify(aliceChallenge, method: "sms", code: bobCode)
        #expect(crossed.status == 401)
        #expect(await app.verify(bobChallenge, method: "sms", code: bobCode).status == 200)
    }

    @Test("the 4th code to one number within 10 minutes is refused with 429, audited, and nothing is queued")
    func perNumberLimit() async throws {
        let (app, alice, bob) = try await makeApp()
        // Alice enrolls (1st code to the number), Bob enrolls the same number (2nd).
        try await app.enrollSMS(alice, phone: Self.phone)
        app.clock.advance(by: 5)
        try await app.enrollSMS(bob, phone: Self.phone)
        app.clock.advance(by: 30)
        // A sign-in code for Alice (3rd).
        let challenge = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.sendChallengeSMS(challenge).status == 202)
        app.clock.advance(by: 60)
        let jobs = try await app.jobCount(kind: "sms.send")
        let messages = try await app.query("SELECT count(*) FROM messages").first?.decode(0, as: Int.self)
        let fourth = await app.sendChallengeSMS(challenge)
        #expect(fourth.status == 429)
        #expect(fourth.errorCode == "rate_limited")
        #expect(fourth.headers["Retry-After"] == "505")  // the first code leaves the 10-minute window then
        #expect(try await app.jobCount(kind: "sms.send") == jobs)
        #expect(try await app.query("SELECT count(*) FROM messages").first?.decode(0, as: Int.self) == messages)
        let refusals = try await app.query(
            "SELECT details FROM audit_events WHERE action = 'mfa.sms.refused' AND outcome = 'denied'")
        #expect(try refusals.last?.decode(0, as: String.self).contains("phone_number_limit") == true)
        app.clock.advance(by: 505)
        #expect(await app.sendChallengeSMS(challenge).status == 202)
    }

    @Test("the pause between codes to one user grows 30 s → 60 s → 120 s")
    func growingDelay() async throws {
        let (app, alice, _) = try await makeApp()
        var delays: [String] = []
        for index in 0..<4 {
            let phone = "+44 7700 90010\(index)"  // a new number each time: only the per-user pause applies
            let sent = await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": phone])
            #expect(sent.status == 202)
            let early = await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": phone])
            #expect(early.status == 429)
            let delay = early.headers["Retry-After"] ?? ""
            delays.append(delay)
            app.clock.advance(by: Double(delay) ?? 0)
        }
        #expect(delays == ["30", "60", "120", "240"])
    }

    @Test("the tenant's country allow-list refuses other countries with 403 and queues nothing")
    func countryAllowList() async throws {
        let (app, alice, _) = try await makeApp()
        let owner = try await app.login("acme", "owner@acme.test")
        try await app.updateSettings(owner, ["smsCountryCodes": ["+44", "49"]])
        let settings = await app.request(.get, "/api/v1/organization/settings", token: owner)
        #expect(settings.json["smsCountryCodes"] as? [String] == ["44", "49"])
        let bad = await app.request(
            .patch, "/api/v1/organization/settings", token: owner, json: ["smsCountryCodes": ["0044"]])
        #expect(bad.status == 422)
        let refused = await app.request(
            .post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": "+1 415 555 0100"])
        #expect(refused.status == 403)
        #expect(refused.errorCode == "sms_country_not_allowed")
        #expect(try await app.jobCount(kind: "sms.send") == 0)
        #expect(try await app.query("SELECT 1 FROM audit_events WHERE action = 'mfa.sms.refused'").count == 1)
        #expect(
            await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": "+49 30 901820"]).status
                == 202)
    }

    @Test("numbers must be E.164; SMS needs a plan with mfa.sms")
    func validation() async throws {
        let (app, alice, _) = try await makeApp()
        for bad in ["07700 900123", "+0 123 456 789", "+44 7700 900123 ext 5", "+1234567", "+1234567890123456", ""] {
            let response = await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": bad])
            #expect(response.status == 422, "\(bad)")
            #expect(response.errorField == "phoneNumber")
        }
        let (free, freeAlice, _) = try await makeApp(plan: "free")
        let gated = await free.request(.post, "/api/v1/me/mfa/sms", token: freeAlice, json: ["phoneNumber": Self.phone])
        #expect(gated.status == 403)
        #expect(gated.errorCode == "plan_upgrade_required")
        // TOTP works on every plan.
        _ = try await free.enrollTOTP(freeAlice)
    }

    @Test("the user sees when the provider reports a code failed or undelivered, and may resend")
    func deliveryFailureIsVisible() async throws {
        let (app, alice, _) = try await makeApp()
        try await app.enrollSMS(alice, phone: Self.phone)
        app.clock.advance(by: 120)
        let challenge = try await app.challenge("acme", "alice@acme.test")
        let sent = await app.sendChallengeSMS(challenge)
        let messageID = try #require(sent.string("messageId"))
        _ = try await SMSStatusUpdates(database: app.database, clock: app.clock).apply(
            SMSStatusCallback(webhookID: "evt_1", messageID: messageID, status: .undelivered, errorCode: "30003"),
            ipAddress: nil)
        let status = await app.request(.post, "/api/v1/auth/mfa/status", json: ["challengeToken": challenge])
        let sms = try #require(status.object("sms"))
        #expect(sms["delivery"] as? String == "undelivered")
        #expect(sms["deliveryFailed"] as? Bool == true)
        #expect(sms["errorCode"] as? String == "30003")
        let resendAt = try #require(sms["resendAvailableAt"] as? String)
        #expect(resendAt == app.timestamp(app.clock.now().addingTimeInterval(60)))
    }

    @Test("no SMS code appears in the logs, in any table but the pending job, nor in the job once it finished")
    func codesStayOutOfStorageAndLogs() async throws {
        let (app, alice, _) = try await makeApp()
        let sent = await app.request(.post, "/api/v1/me/mfa/sms", token: alice, json: ["phoneNumber": Self.phone])
        let messageID = try #require(sent.string("messageId"))
        let code = try await app.smsCode(messageID: messageID)
        _ = await app.request(.post, "/api/v1/me/mfa/sms/confirm", token: alice, json: ["code": code])
        #expect(!app.logs.lines.joined().contains(code))
        for table in ["sms_codes", "messages", "audit_events", "mfa_factors"] {
            for row in try await app.query("SELECT * FROM \(table)") {
                #expect(!row.values.map { "\($0)" }.joined(separator: "|").contains(code), "\(table)")
            }
        }
        // Once delivered (or dead), the job forgets the text.
        try await app.database.write { connection in
            _ = try connection.run("UPDATE jobs SET state = 'succeeded' WHERE kind = 'sms.send'")
        }
        let payload = try await app.query("SELECT payload FROM jobs WHERE kind = 'sms.send'")
        let text = try #require(try payload.first?.decode(0, as: String.self))
        #expect(!text.contains(code))
        #expect(text.contains("[erased]"))
        #expect(text.contains(messageID))
    }
}
