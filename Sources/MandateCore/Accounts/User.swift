public import Foundation

/// A person in one tenant.
public struct User: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var email: String
    public var name: String
    public var role: Role
    /// For admins: whether they may change users, groups, settings and enforcement (true), or only
    /// see them (a read-only admin, false). Owners always may, members never: see ``canManageUsers``.
    public var manageUsers: Bool
    public var status: UserStatus
    public var authSource: AuthSource
    public var passwordHash: String?
    public var passwordChangedAt: Date?
    public var failedAttempts: Int
    public var lockedUntil: Date?
    public var lastSignInAt: Date?
    public var activatedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, email: String, name: String, role: Role, manageUsers: Bool = true,
        status: UserStatus, authSource: AuthSource = .local, passwordHash: String? = nil,
        passwordChangedAt: Date? = nil, failedAttempts: Int = 0, lockedUntil: Date? = nil, lastSignInAt: Date? = nil,
        activatedAt: Date? = nil,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.name = name
        self.role = role
        self.manageUsers = manageUsers
        self.status = status
        self.authSource = authSource
        self.passwordHash = passwordHash
        self.passwordChangedAt = passwordChangedAt
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.lastSignInAt = lastSignInAt
        self.activatedAt = activatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The `manageUsers` permission (DESIGN.md §3): owners always, admins unless read-only, members
    /// never.
    public var canManageUsers: Bool { Self.permission(role: role, manageUsers: manageUsers) }

    /// The effective `manageUsers` permission of `role` with the stored flag `manageUsers`.
    static func permission(role: Role, manageUsers: Bool) -> Bool {
        switch role {
        case .owner: true
        case .admin: manageUsers
        case .member: false
        }
    }

    /// Whether sign-in is paused at `now` by the failure counter.
    public func isLocked(at now: Date) -> Bool {
        guard let lockedUntil else { return false }
        return lockedUntil > now
    }
}
