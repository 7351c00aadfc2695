import Crypto
public import Foundation
import Lifecycle
import SQLite
import Storage

/// Challenge bookkeeping inside the sign-in transaction.
enum MFAChallenges {
    /// The methods a user can answer a challenge with (empty: no second factor).
    static func methods(userID: String, on connection: Connection) throws -> [MFAMethod] {
        let kinds = Set(try MFAStore.factors(userID: userID, on: connection).filter { $0.state == .active }.map(\.kind))
        guard !kinds.isEmpty else { return [] }
        var methods: [MFAMethod] = []
        if kinds.contains(.totp) { methods.append(.totp) }
        if kinds.contains(.sms) { methods.append(.sms) }
        if try MFAStore.remainingRecoveryCodes(userID: userID, on: connection) > 0 { methods.append(.recoveryCode) }
        return methods
    }

    static func begin(
        tenant: Tenant, user: User, methods: [MFAMethod], kind: SessionKind, origin: RequestOrigin,
        details: [String: AuditValue], now: Date, on connection: Connection
    ) throws -> PendingMFA {
        let token = SecretToken.make(prefix: SignInService.challengePrefix)
        let challenge = MFAChallenge(
            id: Identifier.make("chl"), tenantID: tenant.id, userID: user.id, sessionKind: kind, createdAt: now,
            expiresAt: now.addingTimeInterval(MFAChallenge.lifetime), completedAt: nil, ipAddress: origin.ipAddress,
            userAgent: origin.userAgent)
        try MFAStore.insertChallenge(challenge, tokenHash: token.hash, on: connection)
        var details = details
        details["methods"] = .strings(methods.map(\.rawValue))
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now,
                actor: AuditActor(kind: .user, id: user.id, label: user.email, ipAddress: origin.ipAddress),
                action: "auth.login.mfa_required", targetType: "user", targetID: user.id, targetLabel: user.email,
                details: details),
            on: connection)
        return PendingMFA(challengeToken: token, challenge: challenge, methods: methods, user: user, tenant: tenant)
    }
}

/// The second step of sign-in (DESIGN.md §4): send an SMS code for a challenge, and verify a TOTP,
/// SMS or recovery code to get a full session.
///
/// Every wrong answer counts on the account's one failure counter (SECURITY.md), so that the
/// lockout of the password step also stops code guessing; a resend never resets anything.
public struct MFAChallengeService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// What a challenge can still be answered with, and the state of its last SMS code.
    public struct Status: Sendable {
        public let methods: [MFAMethod]
        public let expiresAt: Date
        public let sms: PendingSMS?
    }

    public func status(challengeToken: String) async throws(CoreError) -> Status {
        let now = environment.clock.now()
        let limits = environment.smsLimits
        return try await environment.read { connection in
            let (challenge, _, _) = try Self.open(challengeToken, now: now, on: connection)
            return Status(
                methods: try MFAChallenges.methods(userID: challenge.userID, on: connection),
                expiresAt: challenge.expiresAt,
                sms: try SMSCodes.latest(
                    binding: challenge.id, userID: challenge.userID, limits: limits, now: now, on: connection))
        }
    }

    /// Sends a code to the user's verified phone number, within the anti-abuse limits.
    public func sendSMS(challengeToken: String, origin: RequestOrigin) async throws(CoreError) -> SMSCodeSent {
        let now = environment.clock.now()
        let environment = self.environment
        let result = try await environment.write { connection -> Result<SMSCodeSent, CoreError> in
            let (challenge, user, tenant) = try Self.open(challengeToken, now: now, on: connection)
            guard let factor = try MFAStore.factor(userID: user.id, kind: .sms, state: .active, on: connection),
                let stored = factor.phoneNumber, let phoneNumber = try? PhoneNumber(parsing: stored)
            else {
                throw CoreError.invalid("method", "This account has no phone number for SMS codes.")
            }
            return try SMSCodes.issue(
                purpose: .signIn, binding: challenge.id, user: user, tenant: tenant, phoneNumber: phoneNumber,
                actor: AuditActor(kind: .user, id: user.id, label: user.email, ipAddress: origin.ipAddress),
                environment: environment, now: now, on: connection)
        }
        environment.jobNotifier.notify()
        return try result.get()
    }

    /// Checks `code` with `method`; on success the challenge is used up and a new full session
    /// (a fresh token: the rotation after MFA) is returned.
    public func verify(challengeToken: String, method: String, code: String, origin: RequestOrigin)
        async throws(CoreError) -> SignInService.SignedIn
    {
        guard let method = MFAMethod(rawValue: method) else {
            throw CoreError.invalid("method", "The method must be one of totp, sms or recovery_code.")
        }
        guard code.utf8.count <= 64 else { throw Self.refused("invalid_code", "The code is not valid.") }
        let now = environment.clock.now()
        let environment = self.environment
        let result = try await environment.write { connection -> Result<SignInService.SignedIn, CoreError> in
            let (challenge, user, tenant) = try Self.open(challengeToken, now: now, on: connection)
            let outcome = try Self.check(
                method, code: code, user: user, challenge: challenge, limits: environment.smsLimits, now: now,
                on: connection)
            switch outcome {
            case .success(let notice):
                guard try MFAStore.completeChallenge(id: challenge.id, now: now, on: connection) else {
                    throw Self.refused("challenge_expired", "This sign-in was already completed; sign in again.")
                }
                if let notice {
                    try SecurityNotice.enqueue(
                        notice, user: user, tenant: tenant, ipAddress: origin.ipAddress, environment: environment,
                        now: now, on: connection)
                }
                return .success(
                    try SignInService.startSession(
                        tenant: tenant, user: user, kind: challenge.sessionKind, origin: origin,
                        details: [
                            "sessionKind": .string(challenge.sessionKind.rawValue),
                            "mfaMethod": .string(method.rawValue),
                        ],
                        now: now, on: connection))
            case .failure(let error):
                let policy = tenant.settings.lockoutPolicy
                let failures = try UserStore.recordFailure(userID: user.id, policy: policy, now: now, on: connection)
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now,
                        actor: AuditActor(kind: .user, id: user.id, label: user.email, ipAddress: origin.ipAddress),
                        action: "auth.mfa.failed", targetType: "user", targetID: user.id, targetLabel: user.email,
                        outcome: .failure,
                        details: [
                            "method": .string(method.rawValue), "failedAttempts": .int(failures),
                            "reason": .string(Self.code(of: error)),
                        ]),
                    on: connection)
                if failures == policy.threshold || failures == LockoutPolicy.hardLimit {
                    try AuditLog.record(
                        AuditEvent(
                            tenantID: tenant.id, occurredAt: now, actor: .system, action: "user.locked",
                            targetType: "user", targetID: user.id, targetLabel: user.email,
                            details: ["failedAttempts": .int(failures)]),
                        on: connection)
                }
                return .failure(error)
            }
        }
        environment.jobNotifier.notify()
        return try result.get()
    }

    private enum CheckOutcome {
        case success(SecurityNotice.Event?)
        case failure(CoreError)
    }

    private static func check(
        _ method: MFAMethod, code: String, user: User, challenge: MFAChallenge, limits: SMSLimits, now: Date,
        on connection: Connection
    ) throws -> CheckOutcome {
        let invalid = refused("invalid_code", "The code is not valid. Check it and try again.")
        switch method {
        case .totp:
            guard let factor = try MFAStore.factor(userID: user.id, kind: .totp, state: .active, on: connection),
                let secret = factor.totpSecret
            else { return .failure(refused("method_unavailable", "This account has no authenticator app.")) }
            let totp = TOTP(secret: secret)
            guard
                let step = totp.matchingStep(
                    for: code.trimmingCharacters(in: .whitespaces), at: Int64(now.timeIntervalSince1970.rounded(.down)),
                    window: 1, after: factor.lastUsedStep),
                try MFAStore.useTOTPStep(factorID: factor.id, step: step, now: now, on: connection)
            else { return .failure(invalid) }
            return .success(nil)
        case .sms:
            guard let factor = try MFAStore.factor(userID: user.id, kind: .sms, state: .active, on: connection) else {
                return .failure(refused("method_unavailable", "This account has no phone number for SMS codes."))
            }
            switch try SMSCodes.check(code, binding: challenge.id, limits: limits, now: now, on: connection) {
            case .accepted:
                try MFAStore.touch(factorID: factor.id, now: now, on: connection)
                return .success(nil)
            case .wrong: return .failure(invalid)
            case .expired: return .failure(refused("code_expired", "The code has expired. Ask for a new one."))
            case .exhausted:
                return .failure(refused("too_many_attempts", "Too many wrong codes. Sign in again to get a new code."))
            case .none: return .failure(refused("no_code_sent", "Ask for a code first."))
            }
        case .recoveryCode:
            guard let hash = RecoveryCodes.hash(presented: code, userID: user.id),
                try MFAStore.consumeRecoveryCode(userID: user.id, hash: hash, now: now, on: connection)
            else { return .failure(invalid) }
            let remaining = try MFAStore.remainingRecoveryCodes(userID: user.id, on: connection)
            return .success(.recoveryCodeUsed(remaining: remaining))
        }
    }

    /// The challenge of a token with its user and tenant, if it may still be answered.
    private static func open(_ token: String, now: Date, on connection: Connection) throws -> (
        MFAChallenge, User, Tenant
    ) {
        let expired = refused("challenge_expired", "This sign-in attempt has expired. Sign in again.")
        guard token.hasPrefix(SignInService.challengePrefix),
            let challenge = try MFAStore.challenge(tokenHash: SecretToken.hash(token), on: connection),
            challenge.completedAt == nil, challenge.expiresAt > now
        else { throw expired }
        guard let user = try UserStore.find(id: challenge.userID, tenantID: challenge.tenantID, on: connection),
            let tenant = try TenantStore.find(id: challenge.tenantID, on: connection), user.status == .active
        else { throw expired }
        guard !user.isLocked(at: now) else { throw CoreError(.unauthenticated, SignInService.failureMessage) }
        return (challenge, user, tenant)
    }

    private static func refused(_ code: String, _ message: String) -> CoreError {
        CoreError(.secondFactorRefused(code: code), message)
    }

    private static func code(of error: CoreError) -> String {
        if case .secondFactorRefused(let code) = error.reason { return code }
        return "invalid_code"
    }
}
