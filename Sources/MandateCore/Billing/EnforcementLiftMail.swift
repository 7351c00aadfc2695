import Foundation
import HTMLTemplates
import SQLite
import Storage

/// The email to a tenant's owners and admins when a downgrade lifted enforcement
/// (`Templates/email/mfa-enforcement-lifted.{txt,html}`): what was lifted, why, and how to restore it.
/// Queued through the outbox in the lift's transaction, so it goes out exactly when the lift commits.
struct EnforcementLiftMail {
    let environment: CoreEnvironment
    let tenant: Tenant

    /// Queues one email per active owner or admin; returns how many.
    func send(
        _ lifted: EnforcementSnapshot, reason: LiftReason, fromPlan: String, toPlan: String, now: Date,
        on connection: Connection
    ) throws -> Int {
        let admins = try connection.query(
            """
            SELECT id, email, name FROM users \(connection.dialect.indexedBy("users_admins"))
            WHERE tenant_id = ? AND role IN ('owner', 'admin') AND status = 'active' ORDER BY email
            """, tenant.id)
        guard !admins.isEmpty else { return 0 }
        let subject = "MFA enforcement was lifted in \(tenant.name)"
        for row in admins {
            let name: String = try row.decode(2)
            let context = self.context(lifted, reason: reason, fromPlan: fromPlan, toPlan: toPlan, name: name)
            let fallback = "\(subject)\n\n\(environment.publicBaseURL)/admin/billing"
            _ = try MessageStore.queueEmail(
                EmailMessageRequest(
                    tenantID: tenant.id, userID: try row.decode(0), to: try row.decode(1), subject: subject,
                    text: (try? environment.templates.render("email/mfa-enforcement-lifted.txt", context)) ?? fallback,
                    html: (try? environment.templates.render("email/mfa-enforcement-lifted.html", context)) ?? fallback),
                on: connection, now: now)
        }
        return admins.count
    }

    func context(_ lifted: EnforcementSnapshot, reason: LiftReason, fromPlan: String, toPlan: String, name: String)
        -> TemplateValue
    {
        let catalog = environment.catalog
        var items: [TemplateValue] = []
        if let organization = lifted.organization {
            let period =
                organization.enrollmentDays == 0
                ? "due at the next sign-in" : "with an enrollment period of \(organization.enrollmentDays) days"
            items.append(.string("The organization-wide MFA requirement (\(period))"))
        }
        if lifted.userRequirements {
            let count = lifted.userRequirementCount
            items.append(.string("MFA required of individual users (\(count) \(count == 1 ? "user" : "users"))"))
        }
        if !lifted.groupPolicyIDs.isEmpty {
            let count = lifted.groupPolicyIDs.count
            items.append(.string("\(count) group \(count == 1 ? "policy" : "policies")"))
        }
        if let policy = lifted.signOutPolicy {
            items.append(.string("The sign-out policy “\(policy)” (now “none”)"))
        }
        return [
            "name": .string(name), "organization": .string(tenant.name), "reason": .string(reason.phrase),
            "fromPlan": .string(catalog.plan(fromPlan)?.name ?? fromPlan),
            "toPlan": .string(catalog.plan(toPlan)?.name ?? toPlan), "lifted": .list(items),
            "link": .string(environment.publicBaseURL + "/admin/billing"),
        ]
    }
}
