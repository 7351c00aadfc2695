public import Foundation

/// A tenant-scoped secret for automation (provisioning scripts, SIEM exports).
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    /// The first characters of the secret, so people can tell keys apart without the secret.
    public var displayPrefix: String
    public var createdBy: String?
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, tenantID: String, name: String, displayPrefix: String, createdBy: String?, createdAt: Date,
        lastUsedAt: Date?, revokedAt: Date?
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.displayPrefix = displayPrefix
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}
