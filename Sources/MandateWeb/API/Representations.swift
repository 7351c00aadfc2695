import Foundation
import HTTPServer
import MandateCore

/// The JSON shapes of the API (camelCase, keys sorted, DESIGN.md §4). Each writes itself with
/// `JSONWriter`: no reflection on the hot paths.
struct UserJSON: JSONRepresentable {
    let user: User
    /// The user's MFA status with everything behind it, where the caller may see it.
    let mfa: MFAEnforcementView?

    init(_ user: User, mfa: MFAEnforcementView? = nil) {
        self.user = user
        self.mfa = mfa
    }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("activatedAt", user.activatedAt)
            json.field("authSource", user.authSource.rawValue)
            json.field("createdAt", user.createdAt)
            json.field("email", user.email)
            json.field("failedAttempts", user.failedAttempts)
            json.field("id", user.id)
            json.field("lastSignInAt", user.lastSignInAt)
            // The hard lock is stored as the far future: shown as null (with the failure count)
            // meaning "until an administrator unlocks".
            json.field("lockedUntil", user.lockedUntil.flatMap { $0.timeIntervalSince1970 > 32_503_680_000 ? nil : $0 })
            json.field("manageUsers", user.canManageUsers)
            if let mfa { json.field("mfa", MFAEnforcementJSON(view: mfa)) }
            json.field("name", user.name)
            json.field("role", user.role.rawValue)
            json.field("status", user.status.rawValue)
            json.field("updatedAt", user.updatedAt)
        }
    }
}

struct TenantSummaryJSON: JSONRepresentable {
    let tenant: Tenant

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("id", tenant.id)
            json.field("name", tenant.name)
            json.field("slug", tenant.slug)
        }
    }
}

struct OrganizationSettingsJSON: JSONRepresentable {
    let tenant: Tenant
    let entitlement: Entitlement

    init(_ tenant: Tenant, entitlement: Entitlement) {
        self.tenant = tenant
        self.entitlement = entitlement
    }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("effectiveTier", entitlement.effectivePlan.id)
            json.field("features", entitlement.featureNames)
            json.field("id", tenant.id)
            json.field("lockoutThreshold", tenant.settings.lockoutThreshold)
            json.field("mfaAppliesTo", tenant.settings.mfaAppliesTo.rawValue)
            json.field("mfaEnabledAt", tenant.settings.mfaRequired ? tenant.settings.mfaEnabledAt : nil)
            json.field("mfaEnrollmentDays", tenant.settings.mfaEnrollmentDays)
            json.field("mfaExpiryAction", tenant.settings.mfaExpiryAction.rawValue)
            json.field("mfaRequired", tenant.settings.mfaRequired)
            json.field("mfaSignOutPolicy", tenant.settings.mfaSignOutPolicy.rawValue)
            json.field("name", tenant.name)
            json.field("passwordMinLength", tenant.settings.passwordMinLength)
            json.field("pastDueGraceEndsAt", tenant.subscriptionStatus == .pastDue ? tenant.pastDueGraceEndsAt : nil)
            json.field("sessionAbsoluteHours", tenant.settings.sessionAbsoluteHours)
            json.field("sessionIdleMinutes", tenant.settings.sessionIdleMinutes)
            json.field("slug", tenant.slug)
            json.field("smsCountryCodes", tenant.settings.smsCountryCodes)
            json.field("subscriptionStatus", tenant.subscriptionStatus.rawValue)
            json.field("subscriptionTier", tenant.planID)
            json.field("timeZone", tenant.timeZone)
            json.field("trialEndsAt", tenant.trialEndsAt)
        }
    }
}

struct SessionJSON: JSONRepresentable {
    let session: Session
    let tenant: Tenant

    init(_ session: Session, tenant: Tenant) {
        self.session = session
        self.tenant = tenant
    }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("createdAt", session.createdAt)
            json.field("expiresAt", session.expiresAt)
            json.field("id", session.id)
            json.field("idleTimeoutMinutes", tenant.settings.sessionIdleMinutes)
            json.field("kind", session.kind.rawValue)
            json.field("scope", session.scope.rawValue)
        }
    }
}

struct SignedInJSON: JSONRepresentable {
    let signedIn: SignInService.SignedIn

    init(_ signedIn: SignInService.SignedIn) { self.signedIn = signedIn }

    func write(to writer: inout JSONWriter) {
        let setupOnly = signedIn.session.scope == .mfaSetup
        writer.object { json in
            if let decision = signedIn.decision, decision.status == .enrollmentPeriod {
                json.field("enrollmentDeadline", decision.deadline)
            }
            json.field("expiresAt", signedIn.session.expiresAt)
            json.field("mfaSetupRequired", setupOnly)
            if let decision = signedIn.decision { json.field("mfaStatus", decision.status.rawValue) }
            json.field("status", setupOnly ? "mfa_setup_required" : "authenticated")
            json.field("tenant", TenantSummaryJSON(tenant: signedIn.tenant))
            json.field("token", signedIn.token.value)
            json.field("tokenType", "Bearer")
            json.field("user", UserJSON(signedIn.user))
        }
    }
}

struct GroupJSON: JSONRepresentable {
    let group: Group

    init(_ group: Group) { self.group = group }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("createdAt", group.createdAt)
            json.field("description", group.description)
            json.field("id", group.id)
            json.field("memberCount", group.memberCount)
            json.field("name", group.name)
            json.field("updatedAt", group.updatedAt)
        }
    }
}

struct GroupMemberJSON: JSONRepresentable {
    let member: GroupMember

    init(_ member: GroupMember) { self.member = member }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("addedAt", member.addedAt)
            json.field("user", UserJSON(member.user))
        }
    }
}

struct APIKeyJSON: JSONRepresentable {
    let key: APIKey

    init(_ key: APIKey) { self.key = key }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("createdAt", key.createdAt)
            json.field("createdBy", key.createdBy)
            json.field("id", key.id)
            json.field("lastUsedAt", key.lastUsedAt)
            json.field("name", key.name)
            json.field("prefix", key.displayPrefix)
            json.field("revokedAt", key.revokedAt)
        }
    }
}

struct AuditEventJSON: JSONRepresentable {
    let event: AuditEvent

    init(_ event: AuditEvent) { self.event = event }

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("action", event.action)
            json.key("actor")
            json.object { actor in
                actor.field("id", event.actor.id)
                actor.field("ipAddress", event.actor.ipAddress)
                actor.field("label", event.actor.label)
                actor.field("type", event.actor.kind.rawValue)
            }
            json.key("details")
            json.object { details in
                for key in event.details.keys.sorted() {
                    details.key(key)
                    writeAuditValue(event.details[key]!, to: &details)
                }
            }
            json.field("id", String(event.id))
            json.field("occurredAt", event.occurredAt)
            json.field("outcome", event.outcome.rawValue)
            json.key("target")
            json.object { target in
                target.field("id", event.targetID)
                target.field("label", event.targetLabel)
                target.field("type", event.targetType)
            }
        }
    }
}

/// Audit details are free-form JSON values.
private func writeAuditValue(_ value: AuditValue, to writer: inout JSONWriter) {
    switch value {
    case .string(let value): writer.string(value)
    case .int(let value): writer.int(value)
    case .bool(let value): writer.bool(value)
    case .strings(let values): writer.array { array in for value in values { array.string(value) } }
    case .null: writer.null()
    }
}

/// A page of a list with the cursor of the next page (null on the last).
struct PageJSON<Item: JSONRepresentable>: JSONRepresentable {
    var data: [Item]
    var nextCursor: String?

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("data", data)
            json.field("nextCursor", nextCursor)
        }
    }
}
