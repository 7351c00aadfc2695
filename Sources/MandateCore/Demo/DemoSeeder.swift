import Crypto
import Foundation
import Lifecycle
import SQLite
import Storage

/// Loads the demo organizations: an owner and an admin each, a dozen members in every status,
/// and a few groups. Idempotent: organizations that exist are left alone.
public struct DemoSeeder: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// What was seeded, for the start-up banner.
    public struct Report: Sendable {
        public var created: [String]
        public var skipped: [String]

        public init(created: [String] = [], skipped: [String] = []) {
            self.created = created
            self.skipped = skipped
        }
    }

    /// Whether the database has no organization at all (`serve --demo` seeds only then).
    public func databaseIsEmpty() async throws(CoreError) -> Bool {
        try await environment.read { connection in
            try connection.queryOne("SELECT COUNT(*) AS n FROM tenants")?.decode("n", as: Int.self) == 0
        }
    }

    public func seed(_ data: DemoData, progress: @Sendable (Int, Int, String) -> Void = { _, _, _ in })
        async throws(CoreError)
        -> Report
    {
        let tenants = TenantService(environment: environment)
        let operators = OperatorService(environment: environment)
        let groups = GroupService(environment: environment)
        // One hash per demo password (at the production parameters): demo accounts share them.
        let ownerHash = try await environment.hasher.hash(try PasswordPolicy.normalize(data.passwords.owner))
        let adminHash = try await environment.hasher.hash(try PasswordPolicy.normalize(data.passwords.admin))
        let memberHash = try await environment.hasher.hash(try PasswordPolicy.normalize(data.passwords.member))
        let actor = AuditActor(kind: .system, label: "demo-seed")
        var report = Report(created: [], skipped: [])
        for (index, organization) in data.organizations.enumerated() {
            progress(index, data.organizations.count, organization.slug)
            if try await tenants.tenant(slug: organization.slug) != nil {
                report.skipped.append(organization.slug)
                continue
            }
            guard let status = SubscriptionStatus(rawValue: organization.status) else {
                throw CoreError.invalid("demo", "unknown subscription status '\(organization.status)'")
            }
            let tenant = try await tenants.create(
                slug: organization.slug, name: organization.name, planID: organization.plan, status: status,
                trialDays: organization.trialDays, timeZone: organization.timeZone ?? "UTC")
            let domain = "\(tenant.slug).example"
            let owner = try await operators.insert(
                tenant: tenant, email: "owner@\(domain)", name: "\(organization.name) Owner", role: .owner,
                status: .active, passwordHash: ownerHash, actor: actor)
            _ = try await operators.insert(
                tenant: tenant, email: "admin@\(domain)", name: "\(organization.name) Admin", role: .admin,
                status: .active, passwordHash: adminHash, actor: actor)
            // A read-only admin: sees every admin page, changes nothing (the toggles are disabled).
            _ = try await operators.insert(
                tenant: tenant, email: "auditor@\(domain)", name: "\(organization.name) Auditor", role: .admin,
                manageUsers: false, status: .active, passwordHash: adminHash, actor: actor)
            let principal = Principal(
                tenant: tenant, user: owner, credential: .apiKey(id: "demo-seed", name: "demo-seed"))
            var groupIDs: [String: String] = [:]
            for name in data.groups {
                groupIDs[name] = try await groups.create(principal, name: name, description: "", origin: .commandLine)
                    .id
            }
            var memberships: [String: [String]] = [:]
            var handles: [String: String] = [:]
            for person in data.members {
                guard let status = UserStatus(rawValue: person.status) else {
                    throw CoreError.invalid("demo", "unknown user status '\(person.status)'")
                }
                let user = try await operators.insert(
                    tenant: tenant, email: "\(person.handle)@\(domain)", name: person.name, role: .member,
                    status: status, passwordHash: status == .invited ? nil : memberHash, actor: actor)
                for group in person.groups ?? [] { memberships[group, default: []].append(user.id) }
                handles[person.handle] = user.id
                if let secret = person.totpSecret, status != .invited {
                    try await enrollDemoTOTP(user: user, secret: secret)
                }
            }
            for (group, users) in memberships {
                guard let id = groupIDs[group] else { continue }
                _ = try await groups.addMembers(principal, groupID: id, userIDs: users, origin: .commandLine)
            }
            if let enforcement = organization.enforcement {
                try await applyDemoEnforcement(
                    enforcement, principal: principal, groupIDs: groupIDs, handles: handles)
            }
            report.created.append(tenant.slug)
        }
        progress(data.organizations.count, data.organizations.count, "done")
        return report
    }

    /// An active authenticator app with a published demo secret (demo data only).
    private func enrollDemoTOTP(user: User, secret: String) async throws(CoreError) {
        guard let bytes = Base32.decode(secret) else {
            throw CoreError.invalid("demo", "totpSecret of \(user.email) is not base32")
        }
        let now = environment.clock.now()
        let factor = MFAFactor(
            id: Identifier.make("mfa"), tenantID: user.tenantID, userID: user.id, kind: .totp, state: .pending,
            totpSecret: bytes, phoneNumber: nil, lastUsedStep: nil, createdAt: now, activatedAt: nil, lastUsedAt: nil)
        try await environment.write { connection in
            try MFAStore.insertPending(factor, on: connection)
            try MFAStore.activate(factor, lastUsedStep: nil, now: now, on: connection)
        }
    }

    private func applyDemoEnforcement(
        _ enforcement: DemoData.Enforcement, principal: Principal, groupIDs: [String: String],
        handles: [String: String]
    ) async throws(CoreError) {
        var changes = TenantService.SettingsChanges()
        changes.mfaRequired = enforcement.mfaRequired
        changes.mfaEnrollmentDays = enforcement.mfaEnrollmentDays
        changes.mfaExpiryAction = enforcement.mfaExpiryAction.flatMap(MFAExpiryAction.init(rawValue:))
        _ = try await TenantService(environment: environment).updateSettings(
            principal, changes: changes, origin: .commandLine)
        let service = EnforcementService(environment: environment)
        for handle in enforcement.requiredHandles ?? [] {
            guard let id = handles[handle] else { continue }
            _ = try await service.update(
                principal, userID: id, changes: EnforcementService.UserChanges(required: true), origin: .commandLine)
        }
        let until = environment.clock.now().addingTimeInterval(30 * 86_400)
        for handle in enforcement.exemptHandles ?? [] {
            guard let id = handles[handle] else { continue }
            _ = try await service.update(
                principal, userID: id, changes: EnforcementService.UserChanges(exempt: true, exemptUntil: until),
                origin: .commandLine)
        }
        if let policy = enforcement.groupPolicy {
            var draft = MFAPolicyService.Draft()
            draft.name = policy.name
            draft.includedGroupIDs = policy.groups.compactMap { groupIDs[$0] }
            draft.enrollmentDays = policy.enrollmentDays
            _ = try await MFAPolicyService(environment: environment).create(
                principal, draft: draft, origin: .commandLine)
        }
    }
}
