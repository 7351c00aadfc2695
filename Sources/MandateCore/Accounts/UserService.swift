import Foundation
import Lifecycle
import SQLite
import Storage

/// Administering users: invitations, listing, role and status changes, unlocking.
public struct UserService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// A page of users with their MFA status, and the cursor of the next one.
    public struct Page: Sendable {
        public let users: [User]
        public let mfa: [UserMFASummary]
        public let nextCursor: String?
    }

    /// What an invitation produced: the user, and the link's token (sent by email, never returned
    /// by the API).
    public struct Invited: Sendable {
        public let user: User
        public let invitation: Invitation
        public let token: SecretToken
    }

    // MARK: Reading

    /// A page of users ordered by email, filtered (also by MFA status, requirement and group).
    public func list(_ principal: Principal, filter: UserFilter, cursor: String?, limit: Int) async throws(CoreError)
        -> Page
    {
        try principal.requireViewOrganization()
        let after = try cursor.map { cursor throws(CoreError) -> String in try Cursor.decode(cursor) }
        let pageSize = max(1, min(limit, 200))
        let tenant = principal.tenant
        let now = environment.clock.now()
        let features = tenant.entitlement(catalog: environment.catalog, now: now).features
        let rows = try await environment.read { connection in
            try UserMFAListing.list(
                tenant: tenant, features: features, now: now, filter: filter, after: after, limit: pageSize + 1,
                on: connection)
        }
        let page = Array(rows.prefix(pageSize))
        return Page(
            users: page.map(\.0), mfa: page.map(\.1),
            nextCursor: rows.count > pageSize ? page.last.map { Cursor.encode($0.0.email) } : nil)
    }

    /// One user: administrators see anyone in their tenant, members only themselves.
    public func user(_ principal: Principal, id: String) async throws(CoreError) -> User {
        if principal.user?.id != id { try principal.requireViewOrganization() }
        let tenantID = principal.tenant.id
        guard
            let user = try await environment.read({ connection in
                try UserStore.find(id: id, tenantID: tenantID, on: connection)
            })
        else { throw CoreError.notFound("The user") }
        return user
    }

    /// The user of the caller's tenant with this email address (case-insensitive), or nil; nil too
    /// for text that is not an email address. Administrators only.
    public func user(_ principal: Principal, email: String) async throws(CoreError) -> User? {
        try principal.requireViewOrganization()
        guard let address = try? EmailAddress(email) else { return nil }
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            try UserStore.find(email: address.value, tenantID: tenantID, on: connection)
        }
    }

    // MARK: Inviting

    /// Invites `email` with `role`; `manageUsers: false` invites a read-only admin (nil: the role's
    /// permission).
    public func invite(
        _ principal: Principal, email: String, name: String, role: Role, manageUsers: Bool? = nil,
        origin: RequestOrigin
    ) async throws(CoreError) -> Invited {
        try principal.requireManageUsers()
        if role == .owner, principal.role != .owner {
            throw CoreError.forbidden("Only an owner can invite another owner.")
        }
        if let manageUsers, role != .admin, manageUsers != role.canManageUsers {
            throw CoreError.invalid(
                "manageUsers",
                role == .owner
                    ? "Owners always manage users; invite an admin to choose their permission."
                    : "Members cannot manage users; invite an admin to choose their permission.")
        }
        let address = try EmailAddress(email)
        let cleanName = try Self.validateName(name)
        let now = environment.clock.now()
        let tenant = principal.tenant
        let user = User(
            id: Identifier.make("usr"), tenantID: tenant.id, email: address.value, name: cleanName, role: role,
            manageUsers: role == .admin ? manageUsers ?? true : true, status: .invited, createdAt: now,
            updatedAt: now)
        let token = SecretToken.make(prefix: SecretToken.invitationPrefix)
        let invitation = Invitation(
            id: Identifier.make("inv"), tenantID: tenant.id, userID: user.id, invitedBy: principal.user?.id,
            createdAt: now, expiresAt: now.addingTimeInterval(Invitation.validity))
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let mail = InvitationMail(environment: environment)
        try await environment.write { connection in
            if try UserStore.find(email: address.value, tenantID: tenant.id, on: connection) != nil {
                throw CoreError(
                    .conflict, "A user with the email \(address.value) already exists in this organization.")
            }
            try UserStore.insert(user, on: connection)
            try InvitationStore.insert(invitation, tokenHash: token.hash, on: connection)
            try mail.enqueue(for: user, tenant: tenant, token: token, invitation: invitation, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "user.invited", targetType: "user",
                    targetID: user.id, targetLabel: user.email,
                    details: [
                        "role": .string(role.rawValue), "expiresAt": .string(Timestamp.iso8601(invitation.expiresAt)),
                        "manageUsers": .bool(user.canManageUsers),
                    ]),
                on: connection)
        }
        environment.jobNotifier.notify()
        return Invited(user: user, invitation: invitation, token: token)
    }

    /// Sends a fresh link to an invited user; earlier links stop working.
    public func resendInvitation(_ principal: Principal, userID: String, origin: RequestOrigin) async throws(CoreError)
        -> Invited
    {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let token = SecretToken.make(prefix: SecretToken.invitationPrefix)
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let mail = InvitationMail(environment: environment)
        let invited = try await environment.write { connection in
            guard let user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            guard user.status == .invited else {
                throw CoreError(.conflict, "\(user.email) has already accepted their invitation.")
            }
            try InvitationStore.revokeOpen(userID: user.id, at: now, on: connection)
            let invitation = Invitation(
                id: Identifier.make("inv"), tenantID: tenant.id, userID: user.id, invitedBy: principal.user?.id,
                createdAt: now, expiresAt: now.addingTimeInterval(Invitation.validity))
            try InvitationStore.insert(invitation, tokenHash: token.hash, on: connection)
            try mail.enqueue(for: user, tenant: tenant, token: token, invitation: invitation, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "user.invitation.resent",
                    targetType: "user", targetID: user.id, targetLabel: user.email),
                on: connection)
            return Invited(user: user, invitation: invitation, token: token)
        }
        environment.jobNotifier.notify()
        return invited
    }

    // MARK: Changing

    /// The fields an administrator may change.
    public struct Changes: Sendable {
        public var name: String?
        public var role: Role?
        /// `.suspended` to suspend, `.active` to lift a suspension.
        public var status: UserStatus?
        /// An admin's `manageUsers` permission (false: a read-only admin).
        public var manageUsers: Bool?

        public init(name: String? = nil, role: Role? = nil, status: UserStatus? = nil, manageUsers: Bool? = nil) {
            self.name = name
            self.role = role
            self.status = status
            self.manageUsers = manageUsers
        }
    }

    /// Changes a user's profile, role or status and, in the same transaction, their MFA requirement
    /// or exemption (`mfa`): all of it or nothing.
    public func update(
        _ principal: Principal, userID: String, changes: Changes,
        mfa: EnforcementService.UserChanges = EnforcementService.UserChanges(), origin: RequestOrigin
    )
        async throws(CoreError) -> User
    {
        try principal.requireManageUsers()
        let caller = EnforcementChanges.Caller(principal)
        let catalog = environment.catalog
        let cleanName = try changes.name.map { name throws(CoreError) -> String in try Self.validateName(name) }
        if changes.status == .invited {
            throw CoreError.invalid("status", "A user cannot be put back to 'invited'; use 'active' or 'suspended'.")
        }
        let tenant = principal.tenant
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let callerRole = principal.role
        let callerID = principal.user?.id
        return try await environment.write { connection in
            guard var user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            try EnforcementChanges.apply(
                mfa, to: user, tenant: tenant, caller: caller, actor: actor, catalog: catalog, now: now,
                on: connection)
            let before = user
            var details: [String: AuditValue] = [:]
            if let cleanName, cleanName != user.name {
                details["name"] = .strings([user.name, cleanName])
                user.name = cleanName
            }
            if let role = changes.role, role != user.role {
                guard callerRole == .owner || (user.role != .owner && role != .owner) else {
                    throw CoreError.forbidden("Only an owner can grant or remove the owner role.")
                }
                details["role"] = .strings([user.role.rawValue, role.rawValue])
                user.role = role
            }
            // Becoming an admin starts with the permission unless this change says otherwise: a flag
            // left from an earlier time as an admin never makes someone read-only by surprise.
            if user.role == .admin, before.role != .admin, changes.manageUsers == nil, !user.manageUsers {
                details["manageUsers"] = .strings(["false", "true"])
                user.manageUsers = true
            }
            if let manageUsers = changes.manageUsers, manageUsers != user.canManageUsers {
                try Self.checkPermissionChange(manageUsers, of: user, callerID: callerID)
                details["manageUsers"] = .strings([String(user.manageUsers), String(manageUsers)])
                user.manageUsers = manageUsers
            }
            var endedSessions = 0
            if changes.status == .active, user.status == .invited {
                throw CoreError(
                    .conflict, "\(user.email) has not accepted the invitation yet; resend it instead of activating.")
            }
            if let status = changes.status, status != user.status {
                guard callerRole == .owner || before.role != .owner else {
                    throw CoreError.forbidden("Only an owner can suspend or reinstate an owner.")
                }
                if status == .suspended {
                    guard user.id != callerID else { throw CoreError.forbidden("You cannot suspend yourself.") }
                    endedSessions = try SessionStore.deleteAll(userID: user.id, on: connection)
                    try InvitationStore.revokeOpen(userID: user.id, at: now, on: connection)
                    user.status = .suspended
                } else {
                    // Lifting a suspension returns the user to where they were before it.
                    user.status = user.activatedAt == nil ? .invited : .active
                }
                details["status"] = .strings([before.status.rawValue, user.status.rawValue])
            }
            guard user != before else { return user }
            // A tenant never loses its last active owner (an invited owner who may never accept
            // does not count; demoting or suspending an invited owner takes nobody away).
            if before.role == .owner, before.status == .active, user.role != .owner || user.status != .active,
                try UserStore.activeOwnerCount(tenantID: tenant.id, on: connection) <= 1
            {
                throw CoreError(.conflict, "This is the organization's last owner; make someone else an owner first.")
            }
            user.updatedAt = now
            try UserStore.update(user, on: connection)
            if user.status == .suspended, before.status != .suspended {
                details["sessionsEnded"] = .int(endedSessions)
            }
            let action =
                user.status == .suspended && before.status != .suspended
                ? "user.suspended"
                : (before.status == .suspended && user.status != .suspended ? "user.reinstated" : "user.updated")
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: action, targetType: "user",
                    targetID: user.id, targetLabel: user.email, details: details),
                on: connection)
            return user
        }
    }

    /// Only an admin's `manageUsers` can change (owners always have it, members never), and never
    /// one's own: an admin who made themselves read-only could not undo it.
    private static func checkPermissionChange(_ manageUsers: Bool, of user: User, callerID: String?)
        throws(CoreError)
    {
        switch user.role {
        case .owner:
            throw CoreError.invalid("manageUsers", "Owners always manage users; make this person an admin first.")
        case .member:
            throw CoreError.invalid(
                "manageUsers", "Members cannot manage users; make this person an admin to choose their permission.")
        case .admin:
            guard user.id != callerID else {
                throw CoreError.forbidden("You cannot change your own permission to manage users.")
            }
        }
    }

    /// Clears a user's failure counter and lockout.
    public func unlock(_ principal: Principal, userID: String, origin: RequestOrigin) async throws(CoreError) -> User {
        try principal.requireManageUsers()
        let tenant = principal.tenant
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            guard var user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                throw CoreError.notFound("The user")
            }
            let failures = user.failedAttempts
            try UserStore.resetFailures(userID: user.id, now: now, on: connection)
            user.failedAttempts = 0
            user.lockedUntil = nil
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "user.unlocked", targetType: "user",
                    targetID: user.id, targetLabel: user.email, details: ["failedAttempts": .int(failures)]),
                on: connection)
            return user
        }
    }

    static func validateName(_ name: String) throws(CoreError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 120 else { throw CoreError.invalid("name", "Names can be at most 120 characters long.") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CoreError.invalid("name", "Names cannot contain control characters.")
        }
        return trimmed
    }
}
