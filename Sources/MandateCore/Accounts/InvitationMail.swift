import Foundation
import HTMLTemplates
import Lifecycle
import SQLite
import Storage

/// The invitation email: rendered from `Templates/email/invitation.{txt,html}` and queued through
/// the outbox in the same transaction as the invitation, so it is sent exactly when the invitation
/// exists. Callers poke `CoreEnvironment.jobNotifier` after the commit.
struct InvitationMail: Sendable {
    let environment: CoreEnvironment

    struct Content: Equatable {
        var subject: String
        var text: String
        var html: String
    }

    func render(for user: User, tenant: Tenant, token: SecretToken, invitation: Invitation, inviter: String?) -> Content
    {
        let link = environment.publicBaseURL + "/invitations/accept?token=" + token.value
        let context: TemplateValue = [
            "name": .string(user.name), "organization": .string(tenant.name),
            "inviter": .string(inviter ?? "An administrator"), "link": .string(link),
            "expires": .string(Self.format(invitation.expiresAt)),
        ]
        let text = (try? environment.templates.render("email/invitation.txt", context)) ?? link
        let html = (try? environment.templates.render("email/invitation.html", context)) ?? link
        return Content(subject: "You're invited to \(tenant.name) on Mandate", text: text, html: html)
    }

    func enqueue(for user: User, tenant: Tenant, token: SecretToken, invitation: Invitation, on connection: Connection)
        throws
    {
        let inviter = try invitation.invitedBy.flatMap {
            try UserStore.find(id: $0, tenantID: tenant.id, on: connection)
        }
        let content = render(
            for: user, tenant: tenant, token: token, invitation: invitation,
            inviter: inviter.map { $0.name.isEmpty ? $0.email : $0.name })
        _ = try MessageStore.queueEmail(
            EmailMessageRequest(
                tenantID: tenant.id, userID: user.id, to: user.email, subject: content.subject,
                text: content.text, html: content.html),
            on: connection, now: invitation.createdAt)
    }

    static func format(_ date: Date) -> String {
        DisplayDates.formatter("d MMMM yyyy, HH:mm 'UTC'", TimeZone(identifier: "UTC") ?? .current).string(from: date)
    }
}
