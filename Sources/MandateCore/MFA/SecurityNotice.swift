import Foundation
import HTMLTemplates
import SQLite
import Storage

/// The security notification email sent for every factor change and every recovery code used
/// (SECURITY.md "One-time codes"), queued in the transaction of the change.
struct SecurityNotice {
    enum Event {
        case factorAdded(FactorKind, phoneNumber: String?)
        case factorRemoved(FactorKind, phoneNumber: String?)
        case recoveryCodesGenerated
        case recoveryCodeUsed(remaining: Int)
        case resetByAdministrator

        var headline: String {
            switch self {
            case .factorAdded(.totp, _): "An authenticator app was added to your account."
            case .factorAdded(.sms, _): "SMS verification was turned on for your account."
            case .factorRemoved(.totp, _): "An authenticator app was removed from your account."
            case .factorRemoved(.sms, _): "SMS verification was turned off for your account."
            case .recoveryCodesGenerated: "New recovery codes were created for your account."
            case .recoveryCodeUsed: "A recovery code was used to sign in to your account."
            case .resetByAdministrator: "An administrator reset multi-factor authentication for your account."
            }
        }

        var detail: String {
            switch self {
            case .factorAdded(.sms, let phone?): "Codes will be sent to \(PhoneNumber.mask(phone))."
            case .factorRemoved(.sms, let phone?): "Codes will no longer be sent to \(PhoneNumber.mask(phone))."
            case .factorAdded, .factorRemoved: ""
            case .recoveryCodesGenerated: "Your previous recovery codes no longer work."
            case .resetByAdministrator:
                "Your authenticator app, phone number and recovery codes were removed and you were signed out everywhere. Set up multi-factor authentication again at your next sign-in."
            case .recoveryCodeUsed(let remaining):
                remaining == 0
                    ? "You have no recovery codes left: create new ones in your security settings."
                    : "That code no longer works; \(remaining) unused recovery codes remain."
            }
        }
    }

    static func enqueue(
        _ event: Event, user: User, tenant: Tenant, ipAddress: String?, environment: CoreEnvironment, now: Date,
        on connection: Connection
    ) throws {
        let context: TemplateValue = [
            "name": .string(user.name), "email": .string(user.email), "organization": .string(tenant.name),
            "headline": .string(event.headline), "detail": .string(event.detail),
            "when": .string(InvitationMail.format(now)), "ipAddress": ipAddress.map { .string($0) } ?? .null,
            "link": .string(environment.publicBaseURL + "/account/security"),
        ]
        let text = (try? environment.templates.render("email/security-notice.txt", context)) ?? event.headline
        let html = (try? environment.templates.render("email/security-notice.html", context)) ?? event.headline
        _ = try MessageStore.queueEmail(
            EmailMessageRequest(
                tenantID: tenant.id, userID: user.id, to: user.email, subject: "Security alert: \(event.headline)",
                text: text, html: html),
            on: connection, now: now)
    }
}
