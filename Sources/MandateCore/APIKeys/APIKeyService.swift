import Foundation
import Lifecycle
import SQLite
import Storage

/// Tenant API keys for automation: created by an administrator, shown once, stored hashed,
/// revocable.
public struct APIKeyService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    public func list(_ principal: Principal) async throws(CoreError) -> [APIKey] {
        try principal.requireManageUsers()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in try APIKeyStore.list(tenantID: tenantID, on: connection) }
    }

    /// The new key and its secret, which is never retrievable again.
    public func create(_ principal: Principal, name: String, origin: RequestOrigin) async throws(CoreError)
        -> (key: APIKey, secret: SecretToken)
    {
        try principal.requireManageUsers()
        let cleanName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(cleanName.count) else {
            throw CoreError.invalid("name", "Give the key a name of 1 to 80 characters, e.g. 'HR provisioning'.")
        }
        let now = environment.clock.now()
        let secret = SecretToken.make(prefix: SecretToken.apiKeyPrefix)
        let key = APIKey(
            id: Identifier.make("key"), tenantID: principal.tenant.id, name: cleanName,
            displayPrefix: String(secret.value.prefix(SecretToken.apiKeyPrefix.count + 6)),
            createdBy: principal.user?.id, createdAt: now, lastUsedAt: nil, revokedAt: nil)
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        try await environment.write { connection in
            try APIKeyStore.insert(key, tokenHash: secret.hash, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: key.tenantID, occurredAt: now, actor: actor, action: "api_key.created",
                    targetType: "api_key", targetID: key.id, targetLabel: key.name,
                    details: ["prefix": .string(key.displayPrefix)]),
                on: connection)
        }
        return (key, secret)
    }

    public func revoke(_ principal: Principal, id: String, origin: RequestOrigin) async throws(CoreError) -> APIKey {
        try principal.requireManageUsers()
        let tenantID = principal.tenant.id
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            guard var key = try APIKeyStore.find(id: id, tenantID: tenantID, on: connection) else {
                throw CoreError.notFound("The API key")
            }
            guard key.revokedAt == nil else { return key }
            try APIKeyStore.revoke(id: id, at: now, on: connection)
            key.revokedAt = now
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenantID, occurredAt: now, actor: actor, action: "api_key.revoked",
                    targetType: "api_key", targetID: key.id, targetLabel: key.name),
                on: connection)
            return key
        }
    }
}
