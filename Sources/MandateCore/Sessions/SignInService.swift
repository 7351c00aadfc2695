import Foundation
import Lifecycle
import SQLite
import Storage

/// Sign-in by organization handle, email and password (SECURITY.md "Sign-in, lockout, enumeration").
///
/// Every refusal — unknown organization, unknown user, wrong password, locked, suspended, not yet
/// activated — produces the same error and costs the same: a password hash is always verified
/// (a dummy one when there is no real candidate), so neither the answer nor its timing tells an
/// attacker which part was wrong.
public struct SignInService: Sendable {
    /// The one message for every refusal.
    public static let failureMessage =
        "Sign-in failed. Check the organization, email and password. After repeated failures sign-in is paused for a while."

    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// A new session and its token (shown to the client once).
    public struct SignedIn: Sendable {
        public let token: SecretToken
        public let session: Session
        public let user: User
        public let tenant: Tenant
        /// The user's MFA status at sign-in: a setup-only session (`session.scope == .mfaSetup`)
        /// when due, the deadline during an enrollment period.
        public var decision: EnforcementDecision?
    }

    enum Refusal: String {
        case unknownOrganization = "unknown_organization"
        case unknownUser = "unknown_user"
        case locked
        case notActive = "not_active"
        case noPassword = "no_password"
        case wrongPassword = "wrong_password"
    }

    /// The outcome of a correct password: a session (setup-only when MFA setup is due), or a
    /// challenge for the second factor.
    public enum Outcome: Sendable {
        case signedIn(SignedIn)
        case mfaRequired(PendingMFA)
    }

    /// The refusal of a user whose enrollment deadline passed under `lock_out` (the password was
    /// right, so saying why is safe and tells them whom to ask).
    static func enrollmentExpired(_ tenant: Tenant, deadline: Date?) -> CoreError {
        CoreError.forbidden(
            "Your deadline to set up multi-factor authentication"
                + (deadline.map { " passed on \(Timestamp.iso8601($0))" } ?? " has passed")
                + ". Ask an administrator of \(tenant.name) to reset your enrollment period, then sign in again.",
            code: "mfa_enrollment_expired")
    }

    /// The prefix of sign-in challenge tokens.
    public static let challengePrefix = "mdc_"

    public func signIn(
        tenantSlug: String, email: String, password: String, kind: SessionKind, origin: RequestOrigin
    ) async throws(CoreError) -> Outcome {
        let normalizedPassword = try PasswordPolicy.normalize(password)
        let slug = tenantSlug.trimmingCharacters(in: .whitespaces).lowercased()
        let address = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let now = environment.clock.now()
        let (tenant, user) = try await environment.read { connection -> (Tenant?, User?) in
            guard let tenant = try TenantStore.find(slug: slug, on: connection) else { return (nil, nil) }
            return (tenant, try UserStore.find(email: address, tenantID: tenant.id, on: connection))
        }
        var refusal: Refusal?
        var candidateHash: String?
        if tenant == nil {
            refusal = .unknownOrganization
        } else if let user {
            if user.isLocked(at: now) {
                refusal = .locked
            } else if user.status != .active {
                refusal = .notActive
            } else if user.passwordHash == nil {
                refusal = .noPassword
            } else {
                candidateHash = user.passwordHash
            }
        } else {
            refusal = .unknownUser
        }
        let matched = try await environment.hasher.verify(normalizedPassword, against: candidateHash)
        if refusal == nil, !matched { refusal = .wrongPassword }
        guard let tenant, let user, let storedHash = user.passwordHash, refusal == nil else {
            await recordRefusal(
                refusal ?? .wrongPassword, tenant: tenant, user: user, email: address, origin: origin, now: now)
            throw CoreError(.unauthenticated, Self.failureMessage)
        }
        // Raise the hash to today's parameters while the password is at hand (SECURITY.md).
        let upgradedHash: String? =
            environment.hasher.needsRehash(storedHash) ? try? await environment.hasher.hash(normalizedPassword) : nil
        let environment = self.environment
        let catalog = environment.catalog
        let result = try await environment.write { connection -> Result<Outcome, CoreError> in
            // Re-check inside the transaction: a parallel failure may have locked the account,
            // or an administrator may have suspended it, since the password was checked.
            guard var current = try UserStore.find(id: user.id, tenantID: tenant.id, on: connection),
                current.status == .active, !current.isLocked(at: now)
            else { throw CoreError(.unauthenticated, Self.failureMessage) }
            if let upgradedHash {
                current.passwordHash = upgradedHash
                current.updatedAt = now
                try UserStore.update(current, on: connection)
            }
            var details: [String: AuditValue] = ["sessionKind": .string(kind.rawValue)]
            if upgradedHash != nil { details["passwordRehashed"] = true }
            let view = try EnforcementStore.view(
                tenant: tenant, user: current, catalog: catalog, now: now, on: connection)
            // An exemption lets a user whose factor is lost sign in with the password to enrol again.
            let exempt = view.settings.isExempt(at: now)
            let methods = exempt ? [] : try MFAChallenges.methods(userID: current.id, on: connection)
            guard methods.isEmpty else {
                // The password alone proves nothing more: the failure counter is *not* reset here,
                // or anyone holding the password could guess codes forever.
                return .success(
                    .mfaRequired(
                        try MFAChallenges.begin(
                            tenant: tenant, user: current, methods: methods, kind: kind, origin: origin,
                            details: details, now: now, on: connection)))
            }
            if exempt, try MFAStore.hasActiveFactor(userID: current.id, on: connection) {
                details["secondFactorSkipped"] = "exempt"
            }
            details["mfaStatus"] = .string(view.decision.status.rawValue)
            if view.decision.status == .expired {
                details["reason"] = "mfa_enrollment_expired"
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now,
                        actor: AuditActor(
                            kind: .user, id: current.id, label: current.email, ipAddress: origin.ipAddress),
                        action: "auth.login.refused", targetType: "user", targetID: current.id,
                        targetLabel: current.email, outcome: .denied, details: details),
                    on: connection)
                return .failure(Self.enrollmentExpired(tenant, deadline: view.decision.deadline))
            }
            return .success(
                .signedIn(
                    try Self.startSession(
                        tenant: tenant, user: current, kind: kind, origin: origin, details: details, now: now,
                        scope: view.decision.status == .setupRequired ? .mfaSetup : .full, decision: view.decision,
                        on: connection)))
        }
        return try result.get()
    }

    /// Opens a full session for a user who has proved who they are: clears the failure counter,
    /// records the sign-in and writes the audit event. Runs in the caller's write transaction.
    static func startSession(
        tenant: Tenant, user: User, kind: SessionKind, origin: RequestOrigin, details: [String: AuditValue], now: Date,
        scope: SessionScope = .full, decision: EnforcementDecision? = nil, on connection: Connection
    ) throws -> SignedIn {
        let token = SecretToken.make(prefix: SecretToken.sessionPrefix)
        let session = Session(
            id: Identifier.make("ses"), tenantID: tenant.id, userID: user.id, kind: kind, scope: scope,
            csrfToken: SecretToken.make(prefix: "").value, createdAt: now, lastSeenAt: now,
            expiresAt: now.addingTimeInterval(Double(tenant.settings.sessionAbsoluteHours) * 3600),
            authenticatedAt: now, ipAddress: origin.ipAddress, userAgent: origin.userAgent)
        var current = user
        current.failedAttempts = 0
        current.lockedUntil = nil
        current.lastSignInAt = now
        current.updatedAt = now
        try UserStore.update(current, on: connection)
        try SessionStore.insert(session, tokenHash: token.hash, on: connection)
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now,
                actor: AuditActor(kind: .user, id: current.id, label: current.email, ipAddress: origin.ipAddress),
                action: "auth.login.succeeded", targetType: "user", targetID: current.id,
                targetLabel: current.email, details: details),
            on: connection)
        return SignedIn(token: token, session: session, user: current, tenant: tenant, decision: decision)
    }

    /// Counts the failure (wrong passwords of existing accounts only; attempts that started while
    /// locked do not count) and writes the audit event. Never throws: the caller answers the same
    /// refusal whatever happens here.
    private func recordRefusal(
        _ refusal: Refusal, tenant: Tenant?, user: User?, email: String, origin: RequestOrigin, now: Date
    ) async {
        guard let tenant else {
            // No tenant to file it under: a system-wide event (tenant NULL) for operators.
            _ = try? await environment.write { connection in
                try AuditLog.record(
                    AuditEvent(
                        tenantID: nil, occurredAt: now,
                        actor: AuditActor(kind: .anonymous, ipAddress: origin.ipAddress),
                        action: "auth.login.failed", targetType: "user", targetLabel: String(email.prefix(120)),
                        outcome: .failure, details: ["reason": .string(refusal.rawValue)]),
                    on: connection)
            }
            return
        }
        let policy = tenant.settings.lockoutPolicy
        _ = try? await environment.write { connection in
            var details: [String: AuditValue] = ["reason": .string(refusal.rawValue)]
            var lockedNow = false
            if let user, refusal == .wrongPassword {
                let failures = try UserStore.recordFailure(userID: user.id, policy: policy, now: now, on: connection)
                details["failedAttempts"] = .int(failures)
                lockedNow =
                    failures == policy.threshold || failures == LockoutPolicy.hardLimit
                    || (failures > policy.threshold && policy.lockMilliseconds(afterFailures: failures) != nil)
            }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now,
                    actor: AuditActor(kind: .anonymous, ipAddress: origin.ipAddress),
                    action: "auth.login.failed", targetType: "user", targetID: user?.id,
                    targetLabel: user?.email ?? String(email.prefix(120)), outcome: .failure, details: details),
                on: connection)
            if lockedNow, let user {
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now, actor: .system, action: "user.locked", targetType: "user",
                        targetID: user.id, targetLabel: user.email, details: details),
                    on: connection)
            }
        }
    }
}
