import ChildProcess
import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage

/// MFA shortcuts: enrollment through the API, codes from the clock, SMS codes from the only place
/// they exist in clear (the queued job's payload, as the SMS provider would receive it).
extension TestApp {
    /// The current TOTP code of `secret` (base32) at the app's clock, offset by `steps` periods.
    func totpCode(_ secret: String, steps: Int = 0) throws -> String {
        guard let bytes = Base32.decode(secret) else { throw TestFailure("not base32: \(secret)") }
        return TOTP(secret: bytes).code(at: Int64(clock.now().timeIntervalSince1970) + Int64(steps * 30))
    }

    /// Enrolls an authenticator app for the session `token`; returns the secret and recovery codes.
    func enrollTOTP(_ token: String) async throws -> (secret: String, recoveryCodes: [String]) {
        let started = await request(.post, "/api/v1/me/mfa/totp", token: token)
        guard started.status == 201, let secret = started.string("secret") else {
            throw TestFailure("TOTP enrollment failed: \(started.status) \(started.text)")
        }
        let confirmed = await request(
            .post, "/api/v1/me/mfa/totp/confirm", token: token, json: ["code": try totpCode(secret)])
        guard confirmed.status == 200 else {
            throw TestFailure("TOTP confirmation failed: \(confirmed.status) \(confirmed.text)")
        }
        // The next code must come from a later step: the confirmation used this one.
        clock.advance(by: 30)
        return (secret, confirmed.json["recoveryCodes"] as? [String] ?? [])
    }

    /// Enrolls `phone` for SMS codes for the session `token`.
    func enrollSMS(_ token: String, phone: String) async throws {
        let sent = await request(.post, "/api/v1/me/mfa/sms", token: token, json: ["phoneNumber": phone])
        guard sent.status == 202, let messageID = sent.string("messageId") else {
            throw TestFailure("SMS enrollment failed: \(sent.status) \(sent.text)")
        }
        let code = try await smsCode(messageID: messageID)
        let confirmed = await request(.post, "/api/v1/me/mfa/sms/confirm", token: token, json: ["code": code])
        guard confirmed.status == 200 else {
            throw TestFailure("SMS confirmation failed: \(confirmed.status) \(confirmed.text)")
        }
    }

    /// The code in the queued `sms.send` job of `messageID`.
    func smsCode(messageID: String) async throws -> String {
        let rows = try await query(
            "SELECT payload FROM jobs WHERE kind = 'sms.send' AND \(jsonField("payload", "messageId")) = ?",
            [messageID])
        guard let payload: String = try rows.first?.decode(0),
            let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let body = object["body"] as? String
        else { throw TestFailure("no SMS job for \(messageID)") }
        guard let range = body.range(of: #"\b[0-9]{6}\b"#, options: .regularExpression) else {
            throw TestFailure("no code in \(body)")
        }
        return String(body[range])
    }

    /// Signs in with a password and expects a second-factor challenge; returns its token.
    func challenge(_ slug: String, _ email: String) async throws -> String {
        let response = await loginResponse(slug, email)
        guard response.status == 200, response.string("status") == "mfa_required",
            let token = response.string("challengeToken")
        else { throw TestFailure("expected mfa_required for \(email): \(response.status) \(response.text)") }
        return token
    }

    /// Answers a challenge.
    func verify(_ challenge: String, method: String, code: String) async -> Response {
        await request(
            .post, "/api/v1/auth/mfa/verify", json: ["challengeToken": challenge, "method": method, "code": code])
    }

    /// Asks for an SMS code for a challenge; returns the response (202 with `messageId` when sent).
    func sendChallengeSMS(_ challenge: String) async -> Response {
        await request(.post, "/api/v1/auth/mfa/sms", json: ["challengeToken": challenge])
    }

    /// The number of jobs of `kind`.
    func jobCount(kind: String) async throws -> Int {
        try await query("SELECT count(*) FROM jobs WHERE kind = ?", [kind]).first?.decode(0) ?? 0
    }
}

/// An independent RFC 6238 implementation: `pyotp` from PyPI in the virtualenv the Makefile creates.
enum PythonTOTP {
    static let python = TestApp.repositoryRoot.appendingPathComponent(".venv/bin/python").path

    /// The code pyotp computes for `secret` (base32) at `unixTime`.
    static func code(secret: String, at unixTime: Int64) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("\(python) is missing: run `make test-deps` (it installs pyotp)")
        }
        let arguments = [
            "-c", "import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))", secret, String(unixTime),
        ]
        let result = try await ChildProcess.run(python, arguments)
        guard result.status == .exited(0) else {
            throw TestFailure("pyotp failed (\(result.status)): is it installed in .venv? \(result.errorText)")
        }
        let output = result.outputText
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
