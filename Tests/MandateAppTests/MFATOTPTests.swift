import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// Authenticator apps, recovery codes and the sign-in challenge (DESIGN.md §3 "MFA factors",
/// SECURITY.md "One-time codes").
@Suite("MFA: TOTP, recovery codes and the sign-in challenge")
struct MFATOTPTests {
    func makeApp() async throws -> (TestApp, String) {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "alice@acme.test", name: "Alice")
        return (app, try await app.login("acme", "alice@acme.test"))
    }

    @Test("enrollment returns a 160-bit secret, its otpauth URI and an SVG QR code, and needs one valid code")
    func enrollment() async throws {
        let (app, token) = try await makeApp()
        let started = await app.request(.post, "/api/v1/me/mfa/totp", token: token)
        #expect(started.status == 201)
        #expect(started.headers["Cache-Control"] == "no-store")
        let secret = try #require(started.string("secret"))
        #expect(Base32.decode(secret)?.count == 20)
        #expect(
            started.string("otpauthUri")
                == "otpauth://totp/Acme%20Inc:alice%40acme.test?secret=\(secret)&issuer=Acme%20Inc&algorithm=SHA1&digits=6&period=30"
        )
        let svg = try #require(started.string("qrSvg"))
        #expect(svg.hasPrefix("<svg") && svg.contains("</svg>"))
        // Not active yet: sign-in still needs only the password.
        #expect(await app.loginResponse("acme", "alice@acme.test").string("status") == "authenticated")

        let wrong = await app.request(.post, "/api/v1/me/mfa/totp/confirm", token: token, json: ["code": "000000"])
        #expect(wrong.status == 422)
        #expect(wrong.errorField == "code")
        let confirmed = await app.request(
            .post, "/api/v1/me/mfa/totp/confirm", token: token, json: ["code": try app.totpCode(secret)])
        #expect(confirmed.status == 200)
        let codes = try #require(confirmed.json["recoveryCodes"] as? [String])
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        #expect(
            codes.allSatisfy { $0.range(of: #"^[a-z2-7]{4}(-[a-z2-7]{4}){3}$"#, options: .regularExpression) != nil })
        // Stored hashed only.
        let stored = try await app.query("SELECT code_hash FROM recovery_codes")
        #expect(stored.count == 10)
        for row in stored { #expect(try row.decode(0, as: [UInt8].self).count == 32) }
        let overview = await app.request(.get, "/api/v1/me/mfa", token: token)
        #expect(overview.json["enrolled"] as? Bool == true)
        #expect(overview.json["recoveryCodesRemaining"] as? Int == 10)
        #expect((overview.json["factors"] as? [[String: Any]])?.first?["kind"] as? String == "totp")
        // A security email was queued and the change audited.
        #expect(try await app.query("SELECT 1 FROM messages WHERE subject LIKE 'Security alert:%'").count == 1)
        #expect(try await app.query("SELECT 1 FROM audit_events WHERE action = 'mfa.factor.added'").count == 1)
    }

    @Test("a code computed by pyotp (an independent implementation) signs in once; the same code again is refused")
    func independentCode() async throws {
        let (app, token) = try await makeApp()
        let (secret, _) = try await app.enrollTOTP(token)
        let login = await app.loginResponse("acme", "alice@acme.test")
        #expect(login.string("status") == "mfa_required")
        #expect(login.json["token"] == nil)
        #expect(login.json["methods"] as? [String] == ["totp", "recovery_code"])
        let challenge = try #require(login.string("challengeToken"))
        let code = try await PythonTOTP.code(secret: secret, at: Int64(app.clock.now().timeIntervalSince1970))
        #expect(code == (try app.totpCode(secret)))
        let verified = await app.verify(challenge, method: "totp", code: code)
        #expect(verified.status == 200, "\(verified.text)")
        let sessionToken = try #require(verified.string("token"))
        #expect(sessionToken != token)
        #expect(await app.request(.get, "/api/v1/me", token: sessionToken).status == 200)

        let again = try await app.challenge("acme", "alice@acme.test")
        let replay = await app.verify(again, method: "totp", code: code)
        #expect(replay.status == 401)
        #expect(replay.errorCode == "invalid_code")
        // The challenge is single use, too.
        #expect(await app.verify(challenge, method: "totp", code: code).errorCode == "challenge_expired")
    }

    @Test("the window is T-1…T+1; a step older than the last used one is never accepted")
    func window() async throws {
        let (app, token) = try await makeApp()
        let (secret, _) = try await app.enrollTOTP(token)
        app.clock.advance(by: 300)
        for (steps, accepted) in [(-2, false), (2, false), (-1, true), (0, true), (1, true)] {
            let challenge = try await app.challenge("acme", "alice@acme.test")
            let response = await app.verify(challenge, method: "totp", code: try app.totpCode(secret, steps: steps))
            #expect((response.status == 200) == accepted, "offset \(steps): \(response.text)")
        }
        // T+1 was used: T and T-1 are now too old even though they are in the window.
        let late = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.verify(late, method: "totp", code: try app.totpCode(secret)).status == 401)
    }

    @Test("two parallel submits of one code: exactly one success", arguments: [1, 2])
    func parallelSubmits(_ challenges: Int) async throws {
        let (app, token) = try await makeApp()
        let (secret, _) = try await app.enrollTOTP(token)
        var tokens: [String] = []
        for _ in 0..<challenges { tokens.append(try await app.challenge("acme", "alice@acme.test")) }
        let code = try app.totpCode(secret)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                let challenge = tokens[index % tokens.count]
                group.addTask { await app.verify(challenge, method: "totp", code: code).status }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 401 }.count == 7)
    }

    @Test("a recovery code signs in once, notifies the user, and is then spent")
    func recoveryCode() async throws {
        let (app, token) = try await makeApp()
        let (_, codes) = try await app.enrollTOTP(token)
        let emailsBefore = try await app.jobCount(kind: "email.send")
        let challenge = try await app.challenge("acme", "alice@acme.test")
        // Case and separators do not matter.
        let typed = codes[3].uppercased().replacingOccurrences(of: "-", with: " ")
        let verified = await app.verify(challenge, method: "recovery_code", code: typed)
        #expect(verified.status == 200, "\(verified.text)")
        #expect(try await app.jobCount(kind: "email.send") == emailsBefore + 1)
        let notice = try await app.query(
            "SELECT subject FROM messages WHERE channel = 'email' ORDER BY created_at DESC, job_id DESC LIMIT 1")
        #expect(try notice.first?.decode(0, as: String.self).contains("recovery code was used") == true)
        let again = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.verify(again, method: "recovery_code", code: codes[3]).status == 401)
        #expect(await app.verify(again, method: "recovery_code", code: codes[4]).status == 200)
        let overview = await app.request(.get, "/api/v1/me/mfa", token: token)
        #expect(overview.json["recoveryCodesRemaining"] as? Int == 8)
    }

    @Test("regenerating recovery codes replaces them all and needs a fresh authentication")
    func regenerate() async throws {
        let (app, token) = try await makeApp()
        let (_, old) = try await app.enrollTOTP(token)
        let fresh = await app.request(.post, "/api/v1/me/mfa/recovery-codes", token: token)
        #expect(fresh.status == 200)
        let new = try #require(fresh.json["recoveryCodes"] as? [String])
        #expect(new.count == 10)
        #expect(Set(new).isDisjoint(with: old))
        let challenge = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.verify(challenge, method: "recovery_code", code: old[0]).status == 401)
        #expect(await app.verify(challenge, method: "recovery_code", code: new[0]).status == 200)

        app.clock.advance(by: 601)
        let stale = await app.request(.post, "/api/v1/me/mfa/recovery-codes", token: token)
        #expect(stale.status == 403)
        #expect(stale.errorCode == "reauthentication_required")
    }

    @Test("adding or removing a factor needs a sign-in or password confirmation from the last 10 minutes")
    func freshAuthentication() async throws {
        let (app, token) = try await makeApp()
        app.clock.advance(by: 599)
        #expect(await app.request(.post, "/api/v1/me/mfa/totp", token: token).status == 201)
        app.clock.advance(by: 2)
        let stale = await app.request(.post, "/api/v1/me/mfa/totp", token: token)
        #expect(stale.status == 403)
        #expect(stale.errorCode == "reauthentication_required")
        let wrong = await app.request(
            .post, "/api/v1/auth/reauthenticate", token: token, json: ["password": "nope nope"])
        #expect(wrong.status == 422)
        #expect(try await app.failedAttempts(try #require(try await app.principal(token).user?.id)) == 1)
        let confirmed = await app.request(
            .post, "/api/v1/auth/reauthenticate", token: token, json: ["password": TestApp.password])
        #expect(confirmed.status == 200)
        #expect(await app.request(.post, "/api/v1/me/mfa/totp", token: token).status == 201)
        // API keys have no user and no MFA settings.
        let owner = try await app.login("acme", "owner@acme.test")
        let key = await app.request(.post, "/api/v1/api-keys", token: owner, json: ["name": "robot"])
        let secret = try #require(key.string("secret"))
        #expect(await app.request(.post, "/api/v1/me/mfa/totp", token: secret).status == 403)
    }

    @Test("removing the last factor ends MFA at sign-in and removes the recovery codes; the user is emailed")
    func removal() async throws {
        let (app, token) = try await makeApp()
        _ = try await app.enrollTOTP(token)
        let emails = try await app.jobCount(kind: "email.send")
        #expect(await app.request(.delete, "/api/v1/me/mfa/sms", token: token).status == 404)
        #expect(await app.request(.delete, "/api/v1/me/mfa/totp", token: token).status == 204)
        #expect(try await app.jobCount(kind: "email.send") == emails + 1)
        #expect(try await app.query("SELECT 1 FROM recovery_codes").isEmpty)
        #expect(await app.loginResponse("acme", "alice@acme.test").string("status") == "authenticated")
        #expect(try await app.query("SELECT 1 FROM audit_events WHERE action = 'mfa.factor.removed'").count == 1)
    }

    @Test("MFA failures count on the account's failure counter; the password step does not reset it")
    func failuresLockTheAccount() async throws {
        let (app, token) = try await makeApp()
        let (secret, _) = try await app.enrollTOTP(token)
        let userID = try #require(try await app.principal(token).user?.id)
        for round in 0..<3 {
            // A fresh password sign-in each round: the counter keeps growing.
            let challenge = try await app.challenge("acme", "alice@acme.test")
            for _ in 0..<3 { #expect(await app.verify(challenge, method: "totp", code: "123456").status == 401) }
            #expect(try await app.failedAttempts(userID) == 3 * (round + 1))
        }
        let challenge = try await app.challenge("acme", "alice@acme.test")
        #expect(await app.verify(challenge, method: "recovery_code", code: "aaaa-bbbb-cccc-dddd").status == 401)
        #expect(try await app.failedAttempts(userID) == 10)
        #expect(try await app.lockedUntil(userID) != nil)
        // Locked: even the right code is refused now, and so is the password.
        #expect(await app.verify(challenge, method: "totp", code: try app.totpCode(secret)).status == 401)
        #expect(await app.loginResponse("acme", "alice@acme.test").status == 401)
        #expect(
            try await app.auditCount(tenantID: try await app.principal(token).tenant.id, action: "user.locked") == 1)
    }

    @Test("bad requests get clear errors: unknown method, oversized code, malformed or foreign challenge tokens")
    func badRequests() async throws {
        let (app, token) = try await makeApp()
        _ = try await app.enrollTOTP(token)
        let challenge = try await app.challenge("acme", "alice@acme.test")
        let method = await app.verify(challenge, method: "email", code: "123456")
        #expect(method.status == 422)
        #expect(method.errorField == "method")
        #expect(await app.verify(challenge, method: "totp", code: String(repeating: "1", count: 5000)).status == 401)
        #expect(await app.verify("mdc_forged", method: "totp", code: "123456").errorCode == "challenge_expired")
        #expect(await app.verify(token, method: "totp", code: "123456").errorCode == "challenge_expired")
        let missing = await app.request(.post, "/api/v1/auth/mfa/verify", json: ["challengeToken": challenge])
        #expect(missing.status == 422 || missing.status == 400)
        // The challenge expires after 15 minutes.
        app.clock.advance(by: 901)
        #expect(await app.verify(challenge, method: "totp", code: "123456").errorCode == "challenge_expired")
        let status = await app.request(.post, "/api/v1/auth/mfa/status", json: ["challengeToken": challenge])
        #expect(status.status == 401)
    }
}
