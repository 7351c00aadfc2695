import Foundation
import HTMLTemplates

/// The enrollment emails of the enforcement sweep: the start of the enrollment period
/// (`Templates/email/mfa-enrollment-started.{txt,html}`) and the reminders
/// (`mfa-enrollment-reminder.{txt,html}`), with the deadline in the tenant's time zone and a link to
/// MFA setup. The sweep queues them through the outbox in the transaction that claims the notice.
struct EnforcementNoticeMail {
    struct Content: Sendable, Equatable {
        var subject: String
        var text: String
        var html: String
    }

    let environment: CoreEnvironment
    let tenant: Tenant
    /// Formatters are costly to make and not Sendable: one per tenant and transaction.
    private let subjectFormatter: DateFormatter
    private let bodyFormatter: DateFormatter

    init(environment: CoreEnvironment, tenant: Tenant) {
        self.environment = environment
        self.tenant = tenant
        let timeZone = LocalMidnight.timeZone(identifier: tenant.timeZone)
        subjectFormatter = DisplayDates.formatter("d MMMM yyyy, HH:mm", timeZone)
        bodyFormatter = DisplayDates.formatter("EEEE d MMMM yyyy 'at' HH:mm", timeZone)
    }

    func render(_ notice: EnforcementNotice, name: String, deadline: Date, now: Date) -> Content {
        let subjectDate = subjectFormatter.string(from: deadline)
        let context: TemplateValue = [
            "name": .string(name), "organization": .string(tenant.name),
            "deadline": .string(bodyFormatter.string(from: deadline) + " (\(tenant.timeZone) time)"),
            "remaining": .string(Self.remaining(from: now, to: deadline)),
            "lockOut": .bool(tenant.settings.mfaExpiryAction == .lockOut),
            "finalReminder": .bool(notice == .reminder1Day),
            // Whether the 1-day reminder will still come after this email (not in a short period).
            "reminderFollows": .bool(
                notice == .periodStarted
                    && EnforcementNotice.due(
                        deadline: deadline, now: deadline.addingTimeInterval(-EnforcementNotice.reminder1Day.offset),
                        sent: [.periodStarted: now]) != nil
            ),
            "link": .string(environment.publicBaseURL + "/account/mfa/setup"),
        ]
        let subject: String
        let template: String
        switch notice {
        case .reminder3Days:
            subject = "Reminder: set up multi-factor authentication by \(subjectDate)"
            template = "email/mfa-enrollment-reminder"
        case .reminder1Day:
            subject = "Final reminder: set up multi-factor authentication by \(subjectDate)"
            template = "email/mfa-enrollment-reminder"
        case .periodStarted, .expired:
            subject = "Set up multi-factor authentication by \(subjectDate)"
            template = "email/mfa-enrollment-started"
        }
        let fallback = "\(subject)\n\n\(environment.publicBaseURL)/account/mfa/setup"
        let text = (try? environment.templates.render(template + ".txt", context)) ?? fallback
        let html = (try? environment.templates.render(template + ".html", context)) ?? fallback
        return Content(subject: subject, text: text, html: html)
    }

    /// "7 days", "1 day", "20 hours", "less than an hour".
    static func remaining(from now: Date, to deadline: Date) -> String {
        let seconds = deadline.timeIntervalSince(now)
        let hours = Int((seconds / 3600).rounded())
        if seconds >= 36 * 3600 { return "\(Int((seconds / 86_400).rounded())) days" }
        if seconds >= 23.5 * 3600 { return "1 day" }
        if hours >= 2 { return "\(hours) hours" }
        return seconds >= 3600 ? "about an hour" : "less than an hour"
    }
}
