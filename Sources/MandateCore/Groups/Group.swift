public import Foundation

/// A named set of users in a tenant (used by group enforcement policies).
public struct Group: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var description: String
    public var memberCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, name: String, description: String, memberCount: Int = 0, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.description = description
        self.memberCount = memberCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A user's membership, with when it began (enforcement periods start from it).
public struct GroupMember: Sendable, Equatable {
    public var user: User
    public var addedAt: Date

    public init(user: User, addedAt: Date) {
        self.user = user
        self.addedAt = addedAt
    }
}

/// A group as a filter or a picker offers it.
public struct GroupChoice: Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
