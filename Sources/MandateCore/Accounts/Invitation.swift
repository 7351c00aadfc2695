public import Foundation

/// A single-use invitation for a user to set their password (valid 7 days, stored hashed).
public struct Invitation: Sendable, Equatable {
    public static let validity: TimeInterval = 7 * 24 * 3600

    public var id: String
    public var tenantID: String
    public var userID: String
    public var invitedBy: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, tenantID: String, userID: String, invitedBy: String?, createdAt: Date, expiresAt: Date,
        acceptedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.invitedBy = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
    }

    /// Usable at `now`: not accepted, not revoked, not expired.
    public func isUsable(at now: Date) -> Bool {
        acceptedAt == nil && revokedAt == nil && now < expiresAt
    }
}
