import Crypto
public import Foundation
import Lifecycle
import QRCode
import SQLite
import Storage

/// Self-service MFA (DESIGN.md §3, §4 `/api/v1/me/mfa/…`): enroll an authenticator app or a phone,
/// remove them, and regenerate recovery codes. Adding, removing or regenerating needs a sign-in or
/// password confirmation from the last 10 minutes (SECURITY.md) and queues a security email.
public struct MFAService: Sendable {
    /// How recent the last proof of identity must be for sensitive changes.
    public static let freshAuthenticationWindow: TimeInterval = 600

    let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// A started authenticator-app enrollment: what the user scans or types.
    public struct TOTPEnrollment: Sendable {
        /// Base32, no padding, for manual entry.
        public let secret: String
        public let otpauthURI: String
        /// The QR code of `otpauthURI`, an inline SVG document.
        public let qrSVG: String
    }

    /// A factor that became active, with recovery codes when the user had none left.
    public struct Confirmation: Sendable {
        public let factor: MFAFactor
        /// Shown once; nil when the user still has unused codes.
        public let recoveryCodes: [String]?
        /// The full session that replaced a setup-only one (its token is shown once).
        public var session: SignInService.SignedIn?
    }

    public func overview(_ principal: Principal) async throws(CoreError) -> MFAOverview {
        let user = try Self.user(of: principal)
        let now = environment.clock.now()
        let limits = environment.smsLimits
        return try await environment.read { connection in
            let factors = try MFAStore.factors(userID: user.id, on: connection)
            let pendingSMS =
                factors.contains { $0.kind == .sms && $0.state == .pending }
                ? try SMSCodes.latest(
                    binding: SMSCodes.enrollmentBinding(userID: user.id), userID: user.id, limits: limits, now: now,
                    on: connection) : nil
            return MFAOverview(
                factors: factors.filter { $0.state == .active }, pendingSMS: pendingSMS,
                recoveryCodesRemaining: try MFAStore.remainingRecoveryCodes(userID: user.id, on: connection))
        }
    }

    /// Starts (or restarts) an authenticator-app enrollment with a fresh 160-bit secret.
    public func startTOTP(_ principal: Principal, origin: RequestOrigin) async throws(CoreError) -> TOTPEnrollment {
        let user = try requireFresh(principal)
        let tenant = principal.tenant
        let now = environment.clock.now()
        let secret = SecureRandom.bytes(count: 20)
        let uri = TOTP(secret: secret).provisioningURI(issuer: tenant.name, accountName: user.email)
        let svg: String
        do {
            svg = try QRCode(encoding: uri).svg(title: "QR code to add \(user.email) to an authenticator app")
        } catch {
            throw CoreError.invalid("email", "The account name is too long for a QR code; enter the secret by hand.")
        }
        let factor = MFAFactor(
            id: Identifier.make("mfa"), tenantID: tenant.id, userID: user.id, kind: .totp, state: .pending,
            totpSecret: secret, phoneNumber: nil, lastUsedStep: nil, createdAt: now, activatedAt: nil, lastUsedAt: nil)
        try await environment.write { connection in
            try MFAStore.insertPending(factor, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                    action: "mfa.totp.enrollment_started", targetType: "user", targetID: user.id,
                    targetLabel: user.email),
                on: connection)
        }
        return TOTPEnrollment(secret: Base32.encode(secret, padding: false), otpauthURI: uri, qrSVG: svg)
    }

    /// Activates the pending authenticator app after one valid code (window T-1…T+1).
    public func confirmTOTP(_ principal: Principal, code: String, origin: RequestOrigin) async throws(CoreError)
        -> Confirmation
    {
        let user = try requireFresh(principal)
        let now = environment.clock.now()
        return try await confirm(.totp, principal: principal, user: user, origin: origin, now: now) { connection in
            guard let pending = try MFAStore.factor(userID: user.id, kind: .totp, state: .pending, on: connection),
                let secret = pending.totpSecret
            else { throw CoreError(.conflict, "Start the authenticator app setup first.") }
            guard
                let step = TOTP(secret: secret).matchingStep(
                    for: code.trimmingCharacters(in: .whitespaces), at: Int64(now.timeIntervalSince1970.rounded(.down)),
                    window: 1, after: nil)
            else {
                throw CoreError.invalid(
                    "code", "The code is not valid. Check the time on your phone and enter the current code.")
            }
            return (pending, step)
        }
    }

    /// Starts (or restarts, which is a resend) an SMS enrollment: validates the number, checks the
    /// tenant's country allow-list and the anti-abuse limits, then queues a code.
    public func startSMS(_ principal: Principal, phoneNumber text: String, origin: RequestOrigin)
        async throws(CoreError) -> SMSCodeSent
    {
        let user = try requireFresh(principal)
        let tenant = principal.tenant
        let now = environment.clock.now()
        guard tenant.entitlement(catalog: environment.catalog, now: now).includes(.sms) else {
            throw CoreError(
                .planUpgradeRequired(feature: Feature.sms.rawValue),
                "SMS codes are not part of \(tenant.name)'s plan. Use an authenticator app.")
        }
        let phoneNumber = try PhoneNumber(parsing: text)
        let environment = self.environment
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let result = try await environment.write { connection -> Result<SMSCodeSent, CoreError> in
            let sent = try SMSCodes.issue(
                purpose: .enrollment, binding: SMSCodes.enrollmentBinding(userID: user.id), user: user, tenant: tenant,
                phoneNumber: phoneNumber, actor: actor, environment: environment, now: now, on: connection)
            if case .success = sent {
                try MFAStore.insertPending(
                    MFAFactor(
                        id: Identifier.make("mfa"), tenantID: tenant.id, userID: user.id, kind: .sms, state: .pending,
                        totpSecret: nil, phoneNumber: phoneNumber.e164, lastUsedStep: nil, createdAt: now,
                        activatedAt: nil, lastUsedAt: nil),
                    on: connection)
            }
            return sent
        }
        environment.jobNotifier.notify()
        return try result.get()
    }

    /// Activates the pending phone number with the code sent to it.
    public func confirmSMS(_ principal: Principal, code: String, origin: RequestOrigin) async throws(CoreError)
        -> Confirmation
    {
        let user = try requireFresh(principal)
        let now = environment.clock.now()
        let limits = environment.smsLimits
        return try await confirm(.sms, principal: principal, user: user, origin: origin, now: now) { connection in
            guard let pending = try MFAStore.factor(userID: user.id, kind: .sms, state: .pending, on: connection) else {
                throw CoreError(.conflict, "Start the SMS setup first.")
            }
            let binding = SMSCodes.enrollmentBinding(userID: user.id)
            switch try SMSCodes.check(code, binding: binding, limits: limits, now: now, on: connection) {
            case .accepted(let phone) where phone == pending.phoneNumber:
                return (pending, nil)
            case .accepted, .none:
                throw CoreError(.conflict, "Ask for a code first.")
            case .wrong(let remaining):
                throw WrongCode(
                    error: CoreError.invalid(
                        "code", "The code is not valid. \(remaining) more \(remaining == 1 ? "try" : "tries") left."))
            case .expired:
                throw CoreError.invalid("code", "The code has expired. Ask for a new one.")
            case .exhausted:
                throw CoreError.invalid("code", "Too many wrong codes. Ask for a new code in a few minutes.")
            }
        }
    }

    /// Removes the user's active factor of `kind` (and a pending one). When no factor remains the
    /// recovery codes go too: they only stand in for a factor.
    public func remove(_ kind: FactorKind, _ principal: Principal, origin: RequestOrigin) async throws(CoreError) {
        let user = try requireFresh(principal)
        let tenant = principal.tenant
        let now = environment.clock.now()
        let environment = self.environment
        try await environment.write { connection in
            guard let factor = try MFAStore.factor(userID: user.id, kind: kind, state: .active, on: connection) else {
                throw CoreError.notFound(kind == .totp ? "An authenticator app" : "An SMS phone number")
            }
            try MFAStore.delete(userID: user.id, kind: kind, state: .active, on: connection)
            try MFAStore.delete(userID: user.id, kind: kind, state: .pending, on: connection)
            let stillEnrolled = try MFAStore.hasActiveFactor(userID: user.id, on: connection)
            if !stillEnrolled {
                let view = try EnforcementStore.view(
                    tenant: tenant, user: user, catalog: environment.catalog, now: now, on: connection)
                guard view.decision.canDisableMFA else {
                    throw CoreError.forbidden(
                        "\(tenant.name) requires multi-factor authentication for your account, so you cannot remove your last method. Add another method first if you want to replace this one.",
                        code: "mfa_enforced")
                }
            }
            if !stillEnrolled { try MFAStore.deleteRecoveryCodes(userID: user.id, on: connection) }
            var details: [String: AuditValue] = ["kind": .string(kind.rawValue), "stillEnrolled": .bool(stillEnrolled)]
            if let phone = factor.phoneNumber { details["phoneNumber"] = .string(PhoneNumber.mask(phone)) }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                    action: "mfa.factor.removed", targetType: "user", targetID: user.id, targetLabel: user.email,
                    details: details),
                on: connection)
            try SecurityNotice.enqueue(
                .factorRemoved(kind, phoneNumber: factor.phoneNumber), user: user, tenant: tenant,
                ipAddress: origin.ipAddress, environment: environment, now: now, on: connection)
        }
        environment.jobNotifier.notify()
    }

    /// Replaces all recovery codes with 10 new ones, shown once.
    public func regenerateRecoveryCodes(_ principal: Principal, origin: RequestOrigin) async throws(CoreError)
        -> [String]
    {
        let user = try requireFresh(principal)
        let tenant = principal.tenant
        let now = environment.clock.now()
        let environment = self.environment
        let (codes, hashes) = RecoveryCodes.generate(userID: user.id)
        try await environment.write { connection in
            guard try MFAStore.hasActiveFactor(userID: user.id, on: connection) else {
                throw CoreError(
                    .conflict, "Set up an authenticator app or SMS first; recovery codes stand in for them.")
            }
            try MFAStore.replaceRecoveryCodes(userID: user.id, hashes: hashes, now: now, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                    action: "mfa.recovery_codes.generated", targetType: "user", targetID: user.id,
                    targetLabel: user.email, details: ["count": .int(codes.count)]),
                on: connection)
            try SecurityNotice.enqueue(
                .recoveryCodesGenerated, user: user, tenant: tenant, ipAddress: origin.ipAddress,
                environment: environment, now: now, on: connection)
        }
        environment.jobNotifier.notify()
        return codes
    }

    // MARK: Helpers

    /// A wrong enrollment code: the transaction commits (the code's wrong-answer count must stick)
    /// and the error is thrown afterwards.
    private struct WrongCode: Error {
        let error: CoreError
    }

    /// Activates the pending factor that `check` found valid, in one transaction.
    private func confirm(
        _ kind: FactorKind, principal: Principal, user: User, origin: RequestOrigin, now: Date,
        check: @escaping @Sendable (Connection) throws -> (MFAFactor, Int64?)
    ) async throws(CoreError) -> Confirmation {
        let tenant = principal.tenant
        let environment = self.environment
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let result = try await environment.write { connection -> Result<Confirmation, CoreError> in
            let pending: MFAFactor
            let step: Int64?
            do {
                (pending, step) = try check(connection)
            } catch let wrong as WrongCode {
                return .failure(wrong.error)
            }
            try MFAStore.activate(pending, lastUsedStep: step, now: now, on: connection)
            var codes: [String]?
            if try MFAStore.remainingRecoveryCodes(userID: user.id, on: connection) == 0 {
                let generated = RecoveryCodes.generate(userID: user.id)
                try MFAStore.replaceRecoveryCodes(userID: user.id, hashes: generated.hashes, now: now, on: connection)
                codes = generated.codes
            }
            var details: [String: AuditValue] = [
                "kind": .string(kind.rawValue), "recoveryCodesGenerated": .bool(codes != nil),
            ]
            if let phone = pending.phoneNumber { details["phoneNumber"] = .string(PhoneNumber.mask(phone)) }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "mfa.factor.added",
                    targetType: "user", targetID: user.id, targetLabel: user.email, details: details),
                on: connection)
            try SecurityNotice.enqueue(
                .factorAdded(kind, phoneNumber: pending.phoneNumber), user: user, tenant: tenant,
                ipAddress: origin.ipAddress, environment: environment, now: now, on: connection)
            // Re-enrolled: an exemption (the lost-phone path) has served its purpose.
            try EnforcementChanges.endExemptionOnEnrollment(user: user, tenant: tenant, now: now, on: connection)
            var rotated: SignInService.SignedIn?
            if let session = principal.session, session.scope == .mfaSetup {
                try SessionStore.delete(id: session.id, on: connection)
                rotated = try SignInService.startSession(
                    tenant: tenant, user: user, kind: session.kind, origin: origin,
                    details: ["sessionKind": .string(session.kind.rawValue), "via": "mfa_setup"], now: now,
                    decision: try EnforcementStore.view(
                        tenant: tenant, user: user, catalog: environment.catalog, now: now, on: connection
                    ).decision, on: connection)
            }
            var active = pending
            active.state = .active
            active.activatedAt = now
            active.lastUsedStep = step
            return .success(Confirmation(factor: active, recoveryCodes: codes, session: rotated))
        }
        environment.jobNotifier.notify()
        return try result.get()
    }

    /// The caller's user, if the caller is a user.
    static func user(of principal: Principal) throws(CoreError) -> User {
        guard let user = principal.user else {
            throw CoreError.forbidden("Multi-factor settings belong to a signed-in user; API keys cannot use them.")
        }
        return user
    }

    /// The caller's user, if they proved who they are within the last 10 minutes.
    private func requireFresh(_ principal: Principal) throws(CoreError) -> User {
        let user = try Self.user(of: principal)
        let now = environment.clock.now()
        guard let session = principal.session,
            now.timeIntervalSince(session.authenticatedAt) <= Self.freshAuthenticationWindow
        else {
            throw CoreError.forbidden(
                "Confirm your password first (POST /api/v1/auth/reauthenticate): this change needs a sign-in from the last 10 minutes.",
                code: "reauthentication_required")
        }
        return user
    }
}
