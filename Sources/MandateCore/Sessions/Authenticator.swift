public import Foundation
import Lifecycle
import SQLite
import Storage

/// Turns a presented bearer token (session or API key) into a `Principal`, enforcing idle and
/// absolute timeouts server-side.
public struct Authenticator: Sendable {
    /// `last_seen_at` is written at most this often per session: idle timeouts are minutes, so a
    /// write per request would only cost throughput.
    public static let touchInterval: TimeInterval = 60

    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    public func authenticate(token: String, origin: RequestOrigin) async throws(CoreError) -> Principal {
        if token.hasPrefix(SecretToken.apiKeyPrefix) {
            return try await authenticateAPIKey(token)
        }
        guard token.hasPrefix(SecretToken.sessionPrefix) else {
            throw CoreError(.unauthenticated, "The token is not valid.")
        }
        let hash = SecretToken.hash(token)
        let now = environment.clock.now()
        // One statement: a consistent snapshot and a single trip through SQLite's locking.
        let found = try await environment.read { connection in
            try SessionStore.findWithOwner(tokenHash: hash, on: connection)
        }
        guard let (foundSession, user, tenant, mfaSnapshot) = found else {
            throw CoreError(.unauthenticated, "The session is not valid; sign in again.")
        }
        var session = foundSession
        let expiry = session.expiry(
            at: now, idleMinutes: tenant.settings.sessionIdleMinutes,
            absoluteHours: tenant.settings.sessionAbsoluteHours)
        if let reason = expiry ?? (user.status == .active ? nil : "user_not_active") {
            let ended = session
            _ = try? await environment.write { connection in
                try SessionStore.delete(id: ended.id, on: connection)
                try AuditLog.record(
                    AuditEvent(
                        tenantID: ended.tenantID, occurredAt: now, actor: .system, action: "auth.session.ended",
                        targetType: "user", targetID: ended.userID, details: ["reason": .string(reason)]),
                    on: connection)
            }
            throw CoreError(.unauthenticated, "The session has ended; sign in again.")
        }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            let id = session.id
            _ = try? await environment.write { connection in try SessionStore.touch(id: id, at: now, on: connection) }
            session.lastSeenAt = now
        }
        return Principal(tenant: tenant, user: user, credential: .session(session), mfaSnapshot: mfaSnapshot)
    }

    private func authenticateAPIKey(_ token: String) async throws(CoreError) -> Principal {
        let hash = SecretToken.hash(token)
        let now = environment.clock.now()
        let found = try await environment.read { connection -> (APIKey, Tenant)? in
            guard let key = try APIKeyStore.find(tokenHash: hash, on: connection), key.revokedAt == nil,
                let tenant = try TenantStore.find(id: key.tenantID, on: connection)
            else { return nil }
            return (key, tenant)
        }
        guard let (key, tenant) = found else { throw CoreError(.unauthenticated, "The API key is not valid.") }
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            _ = try? await environment.write { connection in
                try APIKeyStore.touch(id: key.id, at: now, on: connection)
            }
        }
        return Principal(tenant: tenant, user: nil, credential: .apiKey(id: key.id, name: key.name))
    }
}
