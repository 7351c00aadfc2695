import Foundation
import HTMLTemplates
import MandateCore

/// The view model of `Templates/pages/account.html`: the user, their MFA status and deadline, the
/// requirements that apply, their factors, and whether they may turn MFA off.
enum AccountView {
    /// Why the "turn off MFA" button is disabled.
    static func enforcedExplanation(_ tenant: Tenant) -> String {
        "\(tenant.name) requires multi-factor authentication for your account, so you cannot turn it off."
    }

    static func content(
        principal: Principal, mfa: MFAEnforcementView, overview: MFAOverview, dates: PageDates, now: Date
    ) -> [String: TemplateValue] {
        let decision = mfa.decision
        var content: [String: TemplateValue] = [
            "organization": .string(principal.tenant.name),
            "status": status(decision.status),
            "enrolled": .bool(overview.isEnrolled),
            "hasTOTP": .bool(overview.factors.contains { $0.kind == .totp }),
            "factors": .list(overview.factors.sorted { $0.createdAt < $1.createdAt }.map { factor($0, dates: dates) }),
            "recoveryCodesRemaining": .int(overview.recoveryCodesRemaining),
            "sources": .list(decision.sources.map { .string(sourceText($0.kind)) }),
            "required": .bool(!decision.sources.isEmpty),
            "canDisable": .bool(decision.canDisableMFA),
            "disabledReason": .string(enforcedExplanation(principal.tenant)),
        ]
        if let user = principal.user {
            content["user"] = [
                "name": .string(user.name), "email": .string(user.email), "role": .string(user.role.rawValue),
            ]
        }
        // A deadline only matters until the user is enrolled.
        if let deadline = decision.deadline, !overview.isEnrolled {
            content["deadline"] = [
                "text": .string(dates.dateTime(deadline)), "iso": .string(PageDates.iso8601(deadline)),
                "passed": .bool(deadline <= now),
            ]
        }
        if mfa.exemptNow {
            content["exemptUntil"] = .string(mfa.settings.exemptUntil.map(dates.dateTime) ?? "further notice")
        }
        return content
    }

    /// The status badge: a label, a sentence and a style.
    static func status(_ status: MFAStatus) -> TemplateValue {
        let (label, description, tone): (String, String, String) =
            switch status {
            case .enrolled:
                ("On", "Multi-factor authentication protects your account.", "ok")
            case .notEnrolled:
                ("Off", "Add a second step to your sign-in so that a stolen password is not enough.", "neutral")
            case .preEnrollment:
                (
                    "Required", "Your organization requires multi-factor authentication once your account is active.",
                    "warn"
                )
            case .enrollmentPeriod:
                (
                    "Required soon",
                    "Your organization requires multi-factor authentication. Set it up before the deadline.", "warn"
                )
            case .setupRequired:
                (
                    "Required now", "Your organization requires multi-factor authentication. Set it up to continue.",
                    "bad"
                )
            case .expired:
                ("Deadline passed", "The deadline to set up multi-factor authentication has passed.", "bad")
            case .exempt:
                ("Exempt", "An administrator has exempted you from multi-factor authentication for now.", "neutral")
            }
        return [
            "code": .string(status.rawValue), "label": .string(label), "description": .string(description),
            "tone": .string(tone),
        ]
    }

    static func sourceText(_ kind: EnforcementDecision.SourceKind) -> String {
        switch kind {
        case .org: "your organization's policy for everyone"
        case .user: "an administrator, for your account"
        case .group: "a policy for one of your groups"
        }
    }

    static func factor(_ factor: MFAFactor, dates: PageDates) -> TemplateValue {
        var value: [String: TemplateValue] = [
            "kind": .string(factor.kind.rawValue),
            "label": .string(factor.kind == .totp ? "Authenticator app" : "Text message (SMS)"),
            "added": .string(dates.day(factor.activatedAt ?? factor.createdAt)),
        ]
        if let phone = factor.phoneNumber { value["detail"] = .string(PhoneNumber.mask(phone)) }
        if let used = factor.lastUsedAt { value["lastUsed"] = .string(dates.day(used)) }
        return .object(value)
    }
}
