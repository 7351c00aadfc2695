/// Who is calling: a signed-in user (through a session) or a tenant API key, always in one tenant.
public struct Principal: Sendable {
    public enum Credential: Sendable {
        case session(Session)
        case apiKey(id: String, name: String)
    }

    public let tenant: Tenant
    /// The user, for sessions; nil for API keys.
    public let user: User?
    public let credential: Credential
    /// The user's MFA settings, read with the session in one statement (nil for API keys and for
    /// principals built elsewhere): `GET /me` decides the MFA status from them without another read
    /// when no group policy can apply.
    let mfaSnapshot: MFASnapshot?

    /// What the session lookup read about the user's MFA situation.
    struct MFASnapshot: Sendable {
        /// The user's settings, `required` being the effective requirement (see
        /// ``EnforcementStore/decodeUserSettings(_:at:tenant:)``).
        var settings: UserMFASettings
        /// At least one active factor.
        var enrolled: Bool
        /// Whether the tenant has an enabled group policy (if so, the status needs a read).
        var hasEnabledPolicies: Bool
    }

    public init(tenant: Tenant, user: User?, credential: Credential) {
        self.init(tenant: tenant, user: user, credential: credential, mfaSnapshot: nil)
    }

    init(tenant: Tenant, user: User?, credential: Credential, mfaSnapshot: MFASnapshot?) {
        self.tenant = tenant
        self.user = user
        self.credential = credential
        self.mfaSnapshot = mfaSnapshot
    }

    /// API keys act with administrator rights within their tenant.
    public var role: Role { user?.role ?? .admin }

    /// The `manageUsers` permission: owners, admins who are not read-only, and API keys.
    public var canManageUsers: Bool { user?.canManageUsers ?? role.canManageUsers }

    /// Whether the caller sees the organization's admin views (owners and admins, also those
    /// without `manageUsers`).
    public var canViewOrganization: Bool { role.canViewOrganization }

    /// The session, when the caller is a user.
    public var session: Session? {
        if case .session(let session) = credential { return session }
        return nil
    }

    /// Whether this credential reaches everything its role allows (not a setup-only session).
    public var hasFullScope: Bool { session.map { $0.scope == .full } ?? true }

    /// How the caller appears in the audit log.
    public func auditActor(ipAddress: String?) -> AuditActor {
        switch credential {
        case .session:
            AuditActor(kind: .user, id: user?.id, label: user?.email, ipAddress: ipAddress)
        case .apiKey(let id, let name):
            AuditActor(kind: .apiKey, id: id, label: name, ipAddress: ipAddress)
        }
    }

    /// Throws unless the caller may see the organization's admin views (read-only).
    public func requireViewOrganization() throws(CoreError) {
        guard canViewOrganization else {
            throw CoreError.forbidden("Only owners and admins can see this.")
        }
        guard hasFullScope else {
            throw CoreError.forbidden("Set up multi-factor authentication first.", code: "mfa_setup_required")
        }
    }

    /// Throws unless the caller may manage users, groups and settings.
    public func requireManageUsers() throws(CoreError) {
        guard canManageUsers else {
            throw CoreError.forbidden("Only owners and admins can do this.")
        }
        guard hasFullScope else {
            throw CoreError.forbidden("Set up multi-factor authentication first.", code: "mfa_setup_required")
        }
    }
}
