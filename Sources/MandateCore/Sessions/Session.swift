public import Foundation

/// Where a session is used.
public enum SessionKind: String, Sendable, Codable {
    /// A browser, with a cookie and a CSRF token.
    case browser
    /// An API client with `Authorization: Bearer`.
    case api
}

/// What a session may reach.
public enum SessionScope: String, Sendable, Codable {
    case full
    /// Only MFA setup and sign-out (a user who is due to enroll).
    case mfaSetup = "mfa_setup"
}

/// A signed-in session. Its token is never stored; only the SHA-256 is.
public struct Session: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var userID: String
    public var kind: SessionKind
    public var scope: SessionScope
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The absolute end, fixed at sign-in.
    public var expiresAt: Date
    /// The last time the user proved who they are (password or MFA): gates sensitive changes.
    public var authenticatedAt: Date
    public var ipAddress: String?
    public var userAgent: String?

    public init(
        id: String, tenantID: String, userID: String, kind: SessionKind, scope: SessionScope, csrfToken: String,
        createdAt: Date, lastSeenAt: Date, expiresAt: Date, authenticatedAt: Date, ipAddress: String?,
        userAgent: String?
    ) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.kind = kind
        self.scope = scope
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.authenticatedAt = authenticatedAt
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }

    /// Why a session is no longer valid at `now`, if it is not.
    /// The tenant's current limits apply, so shortening them takes effect for existing sessions.
    public func expiry(at now: Date, idleMinutes: Int, absoluteHours: Int) -> String? {
        if now >= expiresAt || now.timeIntervalSince(createdAt) >= Double(absoluteHours) * 3600 {
            return "absolute_timeout"
        }
        if now.timeIntervalSince(lastSeenAt) >= Double(idleMinutes) * 60 { return "idle_timeout" }
        return nil
    }
}
