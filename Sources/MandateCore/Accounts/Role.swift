/// A user's role in their tenant.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case owner
    case admin
    case member

    /// Owners and admins manage users, groups, settings and enforcement; an admin may be limited
    /// to viewing (``User/manageUsers``, ``User/canManageUsers``).
    public var canManageUsers: Bool { self != .member }

    /// Owners and admins see the organization: every user's MFA status, policies, the audit log,
    /// billing and jobs (the dashboard's admin pages). Changing anything needs `manageUsers`.
    public var canViewOrganization: Bool { self != .member }

    private var rank: Int {
        switch self {
        case .owner: 2
        case .admin: 1
        case .member: 0
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Where a user stands.
public enum UserStatus: String, Sendable, Codable, CaseIterable {
    /// Invited, has not set a password yet.
    case invited
    case active
    /// May not sign in; every session ended when suspended.
    case suspended
}

/// How a user authenticates.
public enum AuthSource: String, Sendable, Codable, CaseIterable {
    case local
    /// Signs in through the organization's identity provider (may be exempt from MFA rules).
    case sso
}
