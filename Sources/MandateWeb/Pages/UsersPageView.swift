import Foundation
import HTMLTemplates
import MandateCore

/// How the people list spells things out: the seven MFA statuses of DESIGN.md as words (the badge's
/// colour only repeats them), roles, factors and requirement sources, and one row's view model.
enum UsersPageView {
    /// The status as people read it.
    static func label(_ status: MFAStatus) -> String {
        switch status {
        case .enrolled: "Enrolled"
        case .notEnrolled: "Not enrolled"
        case .preEnrollment: "Required once activated"
        case .enrollmentPeriod: "Enrollment period"
        case .setupRequired: "Setup required"
        case .expired: "Expired (locked out)"
        case .exempt: "Exempt"
        }
    }

    /// The badge style (`badge--…` of app.css).
    static func tone(_ status: MFAStatus) -> String {
        switch status {
        case .enrolled: "ok"
        case .enrollmentPeriod, .preEnrollment: "warn"
        case .setupRequired, .expired: "bad"
        case .notEnrolled, .exempt: "neutral"
        }
    }

    static func label(_ role: Role) -> String {
        switch role {
        case .owner: "Owner"
        case .admin: "Admin"
        case .member: "Member"
        }
    }

    static func label(_ factor: FactorKind) -> String {
        switch factor {
        case .totp: "TOTP"
        case .sms: "SMS"
        }
    }

    static func label(_ source: UserMFASummary.Source) -> String {
        switch source {
        case .org: "Organization"
        case .user: "Personal"
        case .group: "Group"
        }
    }

    /// One row of the table.
    static func row(_ user: User, _ mfa: UserMFASummary, dates: PageDates, checked: Bool) -> TemplateValue {
        var row: [String: TemplateValue] = [
            "id": .string(user.id),
            "name": .string(user.name.isEmpty ? user.email : user.name),
            "email": .string(user.email),
            "hasName": .bool(!user.name.isEmpty),
            "link": .string(UsersPages.path + "/" + user.id),
            "role": .string(label(user.role)),
            "mfaStatus": .string(mfa.status.rawValue),
            "mfaLabel": .string(label(mfa.status)),
            "mfaTone": .string(tone(mfa.status)),
            "factors": .string(mfa.factors.isEmpty ? "None" : mfa.factors.map(label).joined(separator: ", ")),
            "sources": .string(mfa.sources.isEmpty ? "—" : mfa.sources.map(label).joined(separator: ", ")),
            "checked": .bool(checked),
        ]
        switch user.status {
        case .active: break
        case .invited: row["accountStatus"] = .string("Invited")
        case .suspended: row["accountStatus"] = .string("Suspended")
        }
        if let deadline = mfa.deadline {
            row["deadline"] = ["text": .string(dates.dateTime(deadline)), "iso": .string(PageDates.iso8601(deadline))]
        }
        if let signedIn = user.lastSignInAt {
            row["lastSignIn"] = [
                "text": .string(dates.dateTime(signedIn)), "iso": .string(PageDates.iso8601(signedIn)),
            ]
        }
        return .object(row)
    }

    /// `<option>`s of a select: an "any" entry first, then `choices` (value, label).
    static func options(_ choices: [(String, String)], selected: String?, any: String) -> TemplateValue {
        .list(
            [["value": "", "label": .string(any), "selected": .bool(selected == nil)]]
                + choices.map { value, label in
                    ["value": .string(value), "label": .string(label), "selected": .bool(value == selected)]
                })
    }

    /// The bulk actions offered (the `action` values of `POST /api/v1/users/bulk`).
    static let bulkActions: [(String, String)] = [
        ("require", "Require MFA"),
        ("remove_requirement", "Stop requiring MFA"),
        ("exempt", "Exempt from MFA"),
        ("remove_exemption", "End the exemption"),
        ("reset_enrollment", "Restart the enrollment period"),
    ]
}
