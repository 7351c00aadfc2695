import Foundation
import MandateCore

/// The JSON shapes of the API (camelCase, DESIGN.md §4).
struct UserJSON: Encodable {
    var id: String
    var email: String
    var name: String
    var role: String
    var status: String
    var authSource: String
    var failedAttempts: Int
    var lockedUntil: Date?
    var lastSignInAt: Date?
    var activatedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ user: User) {
        id = user.id
        email = user.email
        name = user.name
        role = user.role.rawValue
        status = user.status.rawValue
        authSource = user.authSource.rawValue
        failedAttempts = user.failedAttempts
        // The hard lock is stored as the far future; show it as "until an admin unlocks" (null + count).
        lockedUntil = user.lockedUntil.flatMap { $0.timeIntervalSince1970 > 32_503_680_000 ? nil : $0 }
        lastSignInAt = user.lastSignInAt
        activatedAt = user.activatedAt
        createdAt = user.createdAt
        updatedAt = user.updatedAt
    }
}

struct TenantSummaryJSON: Encodable {
    var id: String
    var slug: String
    var name: String
}

struct OrganizationSettingsJSON: Encodable {
    var id: String
    var slug: String
    var name: String
    var subscriptionTier: String
    var effectiveTier: String
    var subscriptionStatus: String
    var trialEndsAt: Date?
    var features: [String]
    var timeZone: String
    var passwordMinLength: Int
    var lockoutThreshold: Int
    var sessionIdleMinutes: Int
    var sessionAbsoluteHours: Int

    init(_ tenant: Tenant, entitlement: Entitlement) {
        id = tenant.id
        slug = tenant.slug
        name = tenant.name
        subscriptionTier = tenant.planID
        effectiveTier = entitlement.effectivePlan.id
        subscriptionStatus = tenant.subscriptionStatus.rawValue
        trialEndsAt = tenant.trialEndsAt
        features = entitlement.features.map(\.rawValue).sorted()
        timeZone = tenant.timeZone
        passwordMinLength = tenant.settings.passwordMinLength
        lockoutThreshold = tenant.settings.lockoutThreshold
        sessionIdleMinutes = tenant.settings.sessionIdleMinutes
        sessionAbsoluteHours = tenant.settings.sessionAbsoluteHours
    }
}

struct SessionJSON: Encodable {
    var id: String
    var kind: String
    var scope: String
    var createdAt: Date
    var expiresAt: Date
    var idleTimeoutMinutes: Int

    init(_ session: Session, tenant: Tenant) {
        id = session.id
        kind = session.kind.rawValue
        scope = session.scope.rawValue
        createdAt = session.createdAt
        expiresAt = session.expiresAt
        idleTimeoutMinutes = tenant.settings.sessionIdleMinutes
    }
}

struct SignedInJSON: Encodable {
    var status = "authenticated"
    var token: String
    var tokenType = "Bearer"
    var expiresAt: Date
    var mfaSetupRequired = false
    var user: UserJSON
    var tenant: TenantSummaryJSON

    init(_ signedIn: SignInService.SignedIn) {
        token = signedIn.token.value
        expiresAt = signedIn.session.expiresAt
        user = UserJSON(signedIn.user)
        tenant = TenantSummaryJSON(id: signedIn.tenant.id, slug: signedIn.tenant.slug, name: signedIn.tenant.name)
    }
}

struct GroupJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var memberCount: Int
    var createdAt: Date
    var updatedAt: Date

    init(_ group: Group) {
        id = group.id
        name = group.name
        description = group.description
        memberCount = group.memberCount
        createdAt = group.createdAt
        updatedAt = group.updatedAt
    }
}

struct GroupMemberJSON: Encodable {
    var user: UserJSON
    var addedAt: Date

    init(_ member: GroupMember) {
        user = UserJSON(member.user)
        addedAt = member.addedAt
    }
}

struct APIKeyJSON: Encodable {
    var id: String
    var name: String
    var prefix: String
    var createdBy: String?
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ key: APIKey) {
        id = key.id
        name = key.name
        prefix = key.displayPrefix
        createdBy = key.createdBy
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
    }
}

struct AuditEventJSON: Encodable {
    struct Actor: Encodable {
        var type: String
        var id: String?
        var label: String?
        var ipAddress: String?
    }

    struct Target: Encodable {
        var type: String?
        var id: String?
        var label: String?
    }

    var id: String
    var occurredAt: Date
    var actor: Actor
    var action: String
    var target: Target
    var outcome: String
    var details: [String: AuditValue]

    init(_ event: AuditEvent) {
        id = String(event.id)
        occurredAt = event.occurredAt
        actor = Actor(
            type: event.actor.kind.rawValue, id: event.actor.id, label: event.actor.label,
            ipAddress: event.actor.ipAddress)
        action = event.action
        target = Target(type: event.targetType, id: event.targetID, label: event.targetLabel)
        outcome = event.outcome.rawValue
        details = event.details
    }
}

/// A page of a list with the cursor of the next page (null on the last).
struct PageJSON<Item: Encodable>: Encodable {
    var data: [Item]
    var nextCursor: String?
}
