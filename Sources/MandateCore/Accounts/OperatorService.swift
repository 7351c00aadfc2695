import Foundation
import Lifecycle
import SQLite
import Storage

/// Account changes made by an operator from the command line (no signed-in principal): creating
/// users directly, with a password that follows the tenant's policy.
public struct OperatorService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Creates an active user with `password` (or an invited one without a password).
    public func createUser(
        tenantSlug: String, email: String, name: String, role: Role, password: String?, status: UserStatus? = nil
    ) async throws(CoreError) -> User {
        let slug = tenantSlug.lowercased()
        guard
            let tenant = try await environment.read({ connection in try TenantStore.find(slug: slug, on: connection) })
        else { throw CoreError.notFound("The organization '\(tenantSlug)'") }
        let address = try EmailAddress(email)
        var passwordHash: String?
        if let password {
            let policy = PasswordPolicy(
                minimumLength: tenant.settings.passwordMinLength, blocklist: environment.blocklist)
            let normalized = try policy.validate(
                password, email: address.value, tenantName: tenant.name, tenantSlug: tenant.slug)
            passwordHash = try await environment.hasher.hash(normalized)
        }
        return try await insert(
            tenant: tenant, email: address.value, name: try UserService.validateName(name), role: role,
            status: status ?? (passwordHash == nil ? .invited : .active), passwordHash: passwordHash,
            actor: AuditActor(kind: .system, label: "mandate-cli"))
    }

    /// Inserts a user with an already computed hash (demo seeding hashes each demo password once).
    func insert(
        tenant: Tenant, email: String, name: String, role: Role, manageUsers: Bool = true, status: UserStatus,
        passwordHash: String?, actor: AuditActor
    ) async throws(CoreError) -> User {
        let now = environment.clock.now()
        let user = User(
            id: Identifier.make("usr"), tenantID: tenant.id, email: email, name: name, role: role,
            manageUsers: manageUsers, status: status,
            passwordHash: passwordHash, passwordChangedAt: passwordHash == nil ? nil : now,
            activatedAt: status == .invited ? nil : now, createdAt: now, updatedAt: now)
        try await environment.write { connection in
            if try UserStore.find(email: email, tenantID: tenant.id, on: connection) != nil {
                throw CoreError(.conflict, "A user with the email \(email) already exists in \(tenant.slug).")
            }
            try UserStore.insert(user, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: actor, action: "user.created", targetType: "user",
                    targetID: user.id, targetLabel: user.email,
                    details: [
                        "role": .string(role.rawValue), "status": .string(status.rawValue),
                        "manageUsers": .bool(User.permission(role: role, manageUsers: manageUsers)),
                    ]),
                on: connection)
        }
        return user
    }
}
