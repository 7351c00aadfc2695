import Crypto
public import Foundation
import HTMLTemplates
import SQLite
import Storage

/// A code that was queued for delivery.
public struct SMSCodeSent: Sendable {
    /// The message (`msg_…`) whose delivery the provider reports on.
    public let messageID: String
    public let maskedPhoneNumber: String
    public let expiresAt: Date
    /// When the user may ask for another code.
    public let resendAvailableAt: Date
}

/// Issues and checks SMS one-time codes (SECURITY.md "One-time codes" and "SMS abuse").
///
/// A code is 6 digits from the CSPRNG, bound to one sign-in challenge or one enrollment (its
/// `binding`), stored as SHA-256 over a random salt, the binding and the code; the job payload is
/// its only clear copy, and a trigger erases that once the job is finished. Both functions run in
/// the caller's write transaction.
enum SMSCodes {
    enum Purpose: String {
        case signIn = "sign_in"
        case enrollment
    }

    /// The result of checking a presented code.
    enum Check: Equatable {
        case accepted(phoneNumber: String)
        /// Wrong; the code survives `remaining` more wrong answers.
        case wrong(remaining: Int)
        /// The code took too many wrong answers.
        case exhausted
        case expired
        /// No code was sent for this binding (or it was used).
        case none
    }

    /// The binding of an enrollment: one per user, so restarting an enrollment is a resend.
    static func enrollmentBinding(userID: String) -> String { "enroll:" + userID }

    /// Checks every limit, then queues a new code for `binding` and kills the previous one (whose
    /// wrong-answer count the new code inherits). A refusal is audited and returned, not thrown,
    /// so that the caller commits the audit event.
    static func issue(
        purpose: Purpose, binding: String, user: User, tenant: Tenant, phoneNumber: PhoneNumber, actor: AuditActor,
        environment: CoreEnvironment, now: Date, on connection: Connection
    ) throws -> Result<SMSCodeSent, CoreError> {
        let limits = environment.smsLimits
        let previous = try connection.queryOne(
            """
            SELECT failed_attempts, expires_at FROM sms_codes
            WHERE binding = ? AND superseded_at IS NULL AND consumed_at IS NULL
            ORDER BY created_at DESC LIMIT 1
            """, binding)
        var inheritedFailures = 0
        if let previous, try previous.decode(1, as: Date.self) > now {
            inheritedFailures = try previous.decode(0)
            if inheritedFailures >= limits.maximumWrongAttempts {
                let retry = try previous.decode(1, as: Date.self).timeIntervalSince(now)
                return .failure(
                    try refuse(
                        "too_many_wrong_codes", retryAfter: retry,
                        message: purpose == .signIn
                            ? "Too many wrong codes. Sign in again to get a new code."
                            : "Too many wrong codes. Wait a few minutes before asking for a new code.",
                        user: user, tenant: tenant, phoneNumber: phoneNumber, actor: actor, now: now,
                        on: connection))
            }
        }
        let history = try userHistory(
            userID: user.id, since: now.addingTimeInterval(-limits.userWindow), on: connection)
        if let refusal = try checkLimits(
            user: user, history: history, tenant: tenant, phoneNumber: phoneNumber, actor: actor, limits: limits,
            now: now, on: connection)
        {
            return .failure(refusal)
        }
        try connection.run(
            "UPDATE sms_codes SET superseded_at = ? WHERE binding = ? AND superseded_at IS NULL", now, binding)
        let code = SecureRandom.numericCode(digits: 6)
        let salt = SecureRandom.bytes(count: 16)
        let expiresAt = now.addingTimeInterval(limits.codeLifetime)
        let minutes = Int(limits.codeLifetime / 60)
        let text =
            (try? environment.templates.render(
                "sms/code.txt",
                ["code": .string(code), "organization": .string(tenant.name), "minutes": .string(String(minutes))]))
            ?? "\(code) is your \(tenant.name) verification code."
        let queued = try MessageStore.queueSMS(
            SMSMessageRequest(
                tenantID: tenant.id, userID: user.id, to: phoneNumber.e164,
                body: text.trimmingCharacters(in: .whitespacesAndNewlines), expiresAt: expiresAt),
            on: connection, now: now)
        try connection.run(
            """
            INSERT INTO sms_codes (id, tenant_id, user_id, purpose, binding, phone_number, salt, code_hash, message_id,
                                   failed_attempts, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, Identifier.make("smc"), tenant.id, user.id, purpose.rawValue, binding, phoneNumber.e164, salt,
            hash(code, salt: salt, binding: binding), queued.messageID, inheritedFailures, now, expiresAt)
        // This code is the newest of the user's recent ones: the pause counts it too.
        let sent = SMSCodeSent(
            messageID: queued.messageID, maskedPhoneNumber: phoneNumber.masked, expiresAt: expiresAt,
            resendAvailableAt: now.addingTimeInterval(limits.resendDelay(afterCodes: history.count + 1)))
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.sms.code_sent", targetType: "user",
                targetID: user.id, targetLabel: user.email,
                details: [
                    "purpose": .string(purpose.rawValue), "phoneNumber": .string(phoneNumber.masked),
                    "messageId": .string(queued.messageID),
                ]),
            on: connection)
        return .success(sent)
    }

    /// Checks `code` against the live code of `binding`, counting a wrong answer on the code.
    static func check(_ code: String, binding: String, limits: SMSLimits, now: Date, on connection: Connection) throws
        -> Check
    {
        guard
            let row = try connection.queryOne(
                """
                SELECT id, salt, code_hash, failed_attempts, expires_at, consumed_at, phone_number FROM sms_codes
                WHERE binding = ? AND superseded_at IS NULL ORDER BY created_at DESC LIMIT 1
                """, binding)
        else { return .none }
        let id: String = try row.decode(0)
        let failures: Int = try row.decode(3)
        if try row.decode(5, as: Date?.self) != nil { return .none }
        if now >= (try row.decode(4, as: Date.self)) { return .expired }
        if failures >= limits.maximumWrongAttempts { return .exhausted }
        let presented = code.trimmingCharacters(in: .whitespaces)
        let wellFormed =
            presented.utf8.count == 6
            && presented.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if wellFormed,
            constantTimeEquals(hash(presented, salt: try row.decode(1), binding: binding), try row.decode(2))
        {
            try connection.run("UPDATE sms_codes SET consumed_at = ? WHERE id = ?", now, id)
            return .accepted(phoneNumber: try row.decode(6))
        }
        try connection.run("UPDATE sms_codes SET failed_attempts = failed_attempts + 1 WHERE id = ?", id)
        return .wrong(remaining: max(0, limits.maximumWrongAttempts - failures - 1))
    }

    /// The delivery state of the latest code of `binding`, for the user to see whether it arrived.
    static func latest(binding: String, userID: String, limits: SMSLimits, now: Date, on connection: Connection) throws
        -> PendingSMS?
    {
        guard
            let row = try connection.queryOne(
                """
                SELECT c.phone_number, c.expires_at, m.status, m.error_code
                FROM sms_codes c LEFT JOIN messages m ON m.id = c.message_id
                WHERE c.binding = ? AND c.superseded_at IS NULL AND c.consumed_at IS NULL
                ORDER BY c.created_at DESC LIMIT 1
                """, binding)
        else { return nil }
        let history = try userHistory(userID: userID, since: now.addingTimeInterval(-limits.userWindow), on: connection)
        let resendAt = history.latest.map { $0.addingTimeInterval(limits.resendDelay(afterCodes: history.count)) }
        let phone: String = try row.decode(0)
        return PendingSMS(
            maskedPhoneNumber: PhoneNumber.mask(phone),
            delivery: try row.decode(2, as: String?.self) ?? "queued", errorCode: try row.decode(3),
            expiresAt: try row.decode(1), resendAvailableAt: max(resendAt ?? now, now))
    }

    // MARK: Limits

    /// `history`: the user's codes within `limits.userWindow` (count and newest send).
    private static func checkLimits(
        user: User, history: (count: Int, latest: Date?), tenant: Tenant, phoneNumber: PhoneNumber, actor: AuditActor,
        limits: SMSLimits, now: Date, on connection: Connection
    ) throws -> CoreError? {
        guard phoneNumber.isAllowed(by: tenant.settings.smsCountryCodes) else {
            let error = CoreError.forbidden(
                "\(tenant.name) does not allow SMS to this country. Use an authenticator app, or ask an administrator.",
                code: "sms_country_not_allowed")
            try audit(
                "country_not_allowed", retryAfter: nil, user: user, tenant: tenant, phoneNumber: phoneNumber,
                actor: actor, now: now, on: connection)
            return error
        }
        if let latest = history.latest {
            let allowedAt = latest.addingTimeInterval(limits.resendDelay(afterCodes: history.count))
            if allowedAt > now {
                return try refuse(
                    "resend_delay", retryAfter: allowedAt.timeIntervalSince(now),
                    message: "Wait a moment before asking for another code.", user: user, tenant: tenant,
                    phoneNumber: phoneNumber, actor: actor, now: now, on: connection)
            }
        }
        let budgets: [(String, String, String, Int, TimeInterval)] = [
            (
                "phone_number_limit", "phone_number", phoneNumber.e164, limits.perNumberLimit,
                limits.perNumberWindow
            ),
            ("tenant_budget", "tenant_id", tenant.id, limits.perTenantHourly, 3600),
            ("global_budget", "", "", limits.globalHourly, 3600),
        ]
        for (reason, column, value, limit, window) in budgets {
            if let oldest = try nthNewest(
                limit, column: column, value: value, since: now.addingTimeInterval(-window), on: connection)
            {
                return try refuse(
                    reason, retryAfter: oldest.addingTimeInterval(window).timeIntervalSince(now),
                    message: reason == "phone_number_limit"
                        ? "Too many codes were sent to this number. Try again later or use another method."
                        : "Too many codes are being sent right now. Try again later or use another method.",
                    user: user, tenant: tenant, phoneNumber: phoneNumber, actor: actor, now: now, on: connection)
            }
        }
        return nil
    }

    /// The send time of the `n`-th newest code in the window (nil when there are fewer than `n`).
    /// The statements are literal per column, so each is prepared once and cached.
    private static func nthNewest(_ n: Int, column: String, value: String, since: Date, on connection: Connection)
        throws -> Date?
    {
        guard n > 0 else { return since }
        let row: Row?
        switch column {
        case "phone_number":
            row = try connection.queryOne(
                """
                SELECT created_at FROM sms_codes WHERE phone_number = ? AND created_at > ?
                ORDER BY created_at DESC LIMIT 1 OFFSET ?
                """, value, since, n - 1)
        case "tenant_id":
            row = try connection.queryOne(
                """
                SELECT created_at FROM sms_codes WHERE tenant_id = ? AND created_at > ?
                ORDER BY created_at DESC LIMIT 1 OFFSET ?
                """, value, since, n - 1)
        default:
            row = try connection.queryOne(
                "SELECT created_at FROM sms_codes WHERE created_at > ? ORDER BY created_at DESC LIMIT 1 OFFSET ?",
                since, n - 1)
        }
        return try row?.decode(0, as: Date.self)
    }

    private static func userHistory(userID: String, since: Date, on connection: Connection) throws
        -> (count: Int, latest: Date?)
    {
        let row = try connection.queryOne(
            "SELECT count(*), max(created_at) FROM sms_codes WHERE user_id = ? AND created_at > ?", userID, since)
        return (try row?.decode(0) ?? 0, try row?.decode(1, as: Date?.self))
    }

    private static func refuse(
        _ reason: String, retryAfter: TimeInterval, message: String, user: User, tenant: Tenant,
        phoneNumber: PhoneNumber, actor: AuditActor, now: Date, on connection: Connection
    ) throws -> CoreError {
        let seconds = max(1, Int(retryAfter.rounded(.up)))
        try audit(
            reason, retryAfter: seconds, user: user, tenant: tenant, phoneNumber: phoneNumber, actor: actor, now: now,
            on: connection)
        return CoreError(.rateLimited(retryAfterSeconds: seconds), message)
    }

    private static func audit(
        _ reason: String, retryAfter: Int?, user: User, tenant: Tenant, phoneNumber: PhoneNumber, actor: AuditActor,
        now: Date, on connection: Connection
    ) throws {
        var details: [String: AuditValue] = [
            "reason": .string(reason), "phoneNumber": .string(phoneNumber.masked),
        ]
        if let retryAfter { details["retryAfterSeconds"] = .int(retryAfter) }
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.sms.refused", targetType: "user",
                targetID: user.id, targetLabel: user.email, outcome: .denied, details: details),
            on: connection)
    }

    private static func hash(_ code: String, salt: [UInt8], binding: String) -> [UInt8] {
        Digest.sha256(salt + Array(binding.utf8) + [0] + Array(code.utf8))
    }
}
