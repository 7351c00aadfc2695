import Foundation
import Lifecycle
import SQLite
import Storage

/// Setting passwords: accepting an invitation, and changing one's own password.
public struct CredentialService: Sendable {
    /// The one answer for an unknown, used, revoked or expired invitation link.
    public static let invalidInvitationMessage =
        "This invitation link is invalid, already used or expired. Ask an administrator to send a new one."

    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Activates an invited user with their chosen password and signs them in.
    public func acceptInvitation(
        token: String, password: String, name: String?, kind: SessionKind, origin: RequestOrigin
    ) async throws(CoreError) -> SignInService.SignedIn {
        let hash = SecretToken.hash(token)
        let now = environment.clock.now()
        let cleanName = try name.map { name throws(CoreError) -> String in try UserService.validateName(name) }
        let found = try await environment.read { connection -> (Invitation, User, Tenant)? in
            guard let invitation = try InvitationStore.find(tokenHash: hash, on: connection),
                let user = try UserStore.find(id: invitation.userID, tenantID: invitation.tenantID, on: connection),
                let tenant = try TenantStore.find(id: invitation.tenantID, on: connection)
            else { return nil }
            return (invitation, user, tenant)
        }
        guard let (invitation, user, tenant) = found, invitation.isUsable(at: now), user.status == .invited else {
            throw CoreError.invalid("token", Self.invalidInvitationMessage)
        }
        let policy = PasswordPolicy(minimumLength: tenant.settings.passwordMinLength, blocklist: environment.blocklist)
        let normalized = try policy.validate(
            password, email: user.email, tenantName: tenant.name, tenantSlug: tenant.slug)
        let passwordHash = try await environment.hasher.hash(normalized)
        let catalog = environment.catalog
        return try await environment.write { connection -> SignInService.SignedIn in
            // Single use: re-read inside the transaction so two parallel accepts cannot both win.
            guard let current = try InvitationStore.find(tokenHash: hash, on: connection), current.isUsable(at: now),
                var user = try UserStore.find(id: current.userID, tenantID: tenant.id, on: connection),
                user.status == .invited
            else { throw CoreError.invalid("token", Self.invalidInvitationMessage) }
            try InvitationStore.markAccepted(id: current.id, at: now, on: connection)
            user.passwordHash = passwordHash
            user.passwordChangedAt = now
            user.status = .active
            user.activatedAt = now
            user.lastSignInAt = now
            if let cleanName, !cleanName.isEmpty { user.name = cleanName }
            user.updatedAt = now
            try UserStore.update(user, on: connection)
            let actor = AuditActor(kind: .user, id: user.id, label: user.email, ipAddress: origin.ipAddress)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "user.activated", targetType: "user",
                    targetID: user.id, targetLabel: user.email, details: ["invitationId": .string(current.id)]),
                on: connection)
            // The enrollment period of a requirement that waited for activation starts now; one that
            // is due at once lands the user on forced setup (a setup-only session).
            let view = try EnforcementStore.view(tenant: tenant, user: user, catalog: catalog, now: now, on: connection)
            return try SignInService.startSession(
                tenant: tenant, user: user, kind: kind, origin: origin,
                details: [
                    "sessionKind": .string(kind.rawValue), "via": "invitation",
                    "mfaStatus": .string(view.decision.status.rawValue),
                ],
                now: now, scope: view.decision.status == .setupRequired ? .mfaSetup : .full, decision: view.decision,
                on: connection)
        }
    }

    /// Changes the caller's own password: needs the current one (a wrong one counts as a failed
    /// sign-in) and ends every other session of the user (SECURITY.md "Passwords").
    public func changePassword(_ principal: Principal, current: String, new: String, origin: RequestOrigin)
        async throws(CoreError)
    {
        guard let user = principal.user, let session = principal.session else {
            throw CoreError.forbidden("Only a signed-in user can change their password.")
        }
        let tenant = principal.tenant
        let now = environment.clock.now()
        try await checkPassword(
            current, of: principal, user: user, field: "currentPassword", failureAction: "user.password.change_failed",
            origin: origin, now: now)
        let wrongCurrent = CoreError.invalid("currentPassword", "The current password is not correct.")
        let policy = PasswordPolicy(minimumLength: tenant.settings.passwordMinLength, blocklist: environment.blocklist)
        let normalized = try policy.validate(new, email: user.email, tenantName: tenant.name, tenantSlug: tenant.slug)
        let passwordHash = try await environment.hasher.hash(normalized)
        try await environment.write { connection in
            guard var stored = try UserStore.find(id: user.id, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            // A parallel failure may have locked the account since the password was checked.
            guard !stored.isLocked(at: now) else { throw wrongCurrent }
            stored.passwordHash = passwordHash
            stored.passwordChangedAt = now
            stored.failedAttempts = 0
            stored.lockedUntil = nil
            stored.updatedAt = now
            try UserStore.update(stored, on: connection)
            let ended = try SessionStore.deleteAll(userID: user.id, keeping: session.id, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                    action: "user.password.changed", targetType: "user", targetID: user.id, targetLabel: user.email,
                    details: ["otherSessionsEnded": .int(ended)]),
                on: connection)
        }
    }

    /// Confirms the caller's password again, making the session fresh enough for sensitive changes
    /// (adding or removing a factor, new recovery codes: SECURITY.md asks for ≤ 10 minutes).
    /// A wrong password counts on the failure counter like a failed sign-in.
    public func reauthenticate(_ principal: Principal, password: String, origin: RequestOrigin)
        async throws(CoreError) -> Session
    {
        guard let user = principal.user, var session = principal.session else {
            throw CoreError.forbidden("Only a signed-in user can confirm their password.")
        }
        let now = environment.clock.now()
        try await checkPassword(
            password, of: principal, user: user, field: "password", failureAction: "auth.reauthentication.failed",
            origin: origin, now: now)
        session.authenticatedAt = now
        let updated = session
        try await environment.write { connection in
            try SessionStore.markAuthenticated(id: updated.id, at: now, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: updated.tenantID, occurredAt: now,
                    actor: principal.auditActor(ipAddress: origin.ipAddress), action: "auth.reauthenticated",
                    targetType: "user", targetID: user.id, targetLabel: user.email),
                on: connection)
        }
        return updated
    }

    /// Checks the caller's own password, or throws a validation error on `field`. While the account
    /// is locked the password is not checked (a dummy hash keeps the cost the same) and the attempt
    /// is not counted: a stolen session must not become a way to keep guessing past the lock
    /// (SECURITY.md "Sign-in, lockout, enumeration"). A wrong password counts as a failed sign-in.
    private func checkPassword(
        _ password: String, of principal: Principal, user: User, field: String, failureAction: String,
        origin: RequestOrigin, now: Date
    ) async throws(CoreError) {
        let tenant = principal.tenant
        let bytes = try PasswordPolicy.normalize(password)
        let wrong = CoreError.invalid(
            field, field == "currentPassword" ? "The current password is not correct." : "The password is not correct.")
        if user.isLocked(at: now) {
            _ = try await environment.hasher.verify(bytes, against: nil)
            _ = try? await environment.write { connection in
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                        action: failureAction, targetType: "user", targetID: user.id, targetLabel: user.email,
                        outcome: .failure, details: ["reason": "locked"]),
                    on: connection)
            }
            throw wrong
        }
        guard try await environment.hasher.verify(bytes, against: user.passwordHash) else {
            let policy = tenant.settings.lockoutPolicy
            _ = try? await environment.write { connection in
                let failures = try UserStore.recordFailure(userID: user.id, policy: policy, now: now, on: connection)
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenant.id, occurredAt: now, actor: principal.auditActor(ipAddress: origin.ipAddress),
                        action: failureAction, targetType: "user", targetID: user.id, targetLabel: user.email,
                        outcome: .failure,
                        details: ["reason": "wrong_current_password", "failedAttempts": .int(failures)]),
                    on: connection)
            }
            throw wrong
        }
    }

    /// Ends the caller's session (sign-out deletes it server-side).
    public func signOut(_ principal: Principal, origin: RequestOrigin) async throws(CoreError) {
        guard let session = principal.session else { return }
        let now = environment.clock.now()
        try await environment.write { connection in
            try SessionStore.delete(id: session.id, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: session.tenantID, occurredAt: now,
                    actor: principal.auditActor(ipAddress: origin.ipAddress), action: "auth.logout",
                    targetType: "user", targetID: session.userID, targetLabel: principal.user?.email),
                on: connection)
        }
    }
}
