public import Foundation

/// A sign-in whose password was right and that waits for a second factor. Its token (shown to the
/// client once, only the SHA-256 stored) binds the answer to this attempt and this user.
public struct MFAChallenge: Sendable, Equatable {
    /// How long the user has to answer: longer than an SMS code lives, so that a code asked for
    /// late in the attempt can still be used.
    public static let lifetime: TimeInterval = 900

    public var id: String
    public var tenantID: String
    public var userID: String
    /// The kind of session the sign-in asked for.
    public var sessionKind: SessionKind
    public var createdAt: Date
    public var expiresAt: Date
    public var completedAt: Date?
    public var ipAddress: String?
    public var userAgent: String?
}

/// The answer to a password sign-in of a user with a second factor.
public struct PendingMFA: Sendable {
    /// `mdc_…`: sent back with the code.
    public let challengeToken: SecretToken
    public let challenge: MFAChallenge
    /// The methods this user can answer with.
    public let methods: [MFAMethod]
    public let user: User
    public let tenant: Tenant
}
