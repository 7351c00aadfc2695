import Foundation
import HTMLTemplates
import MandateCore

/// The view model of `Templates/pages/admin-user.html`: one person of the organization as an
/// administrator sees them (profile, MFA status with its deadline and sources, factors, exemption,
/// SMS delivery history) and the forms that change their MFA.
struct UserPanelView {
    /// Why every control is disabled for an administrator who may only look.
    static let readOnlyExplanation = AdminPages.readOnlyHint

    let principal: Principal
    let user: User
    let mfa: MFAEnforcementView
    let overview: MFAOverview
    let messages: [Message]
    /// Names of the organization's group policies, by id (for the sources a group policy adds).
    let policyNames: [String: String]
    let catalog: PlanCatalog
    let dates: PageDates
    let now: Date

    private var tenant: Tenant { principal.tenant }
    private var entitlement: Entitlement { tenant.entitlement(catalog: catalog, now: now) }

    /// Whether the "Require MFA" toggle may change: with the plan's feature it may be switched
    /// on, and a requirement in force may always be switched off.
    static func canChangeRequirement(features: Set<Feature>, settings: UserMFASettings) -> Bool {
        features.contains(.enforceUser) || settings.required
    }

    func content(csrf: String, error: String?) -> [String: TemplateValue] {
        let decision = mfa.decision
        let canManage = principal.canManageUsers
        let paths = UserPanelPages.Paths(userID: user.id)
        var content: [String: TemplateValue] = [
            "csrf": .string(csrf),
            "user": userFacts(),
            "status": Self.status(decision.status),
            "required": .bool(!decision.sources.isEmpty),
            "sources": .list(decision.sources.map(source)),
            "enrolled": .bool(overview.isEnrolled),
            "factors": .list(overview.factors.sorted { $0.createdAt < $1.createdAt }.map(factor)),
            "recoveryCodesRemaining": .int(overview.recoveryCodesRemaining),
            "messages": .list(messages.map(message)),
            "hasMessages": .bool(!messages.isEmpty),
            "readOnly": .bool(!canManage),
            "readOnlyHint": .string(Self.readOnlyExplanation),
            "timeZone": .string(dates.timeZoneName),
            "requirementAction": .string(paths.requirement),
            "resetAction": .string(paths.reset),
            "exemptionAction": .string(paths.exemption),
            "enrollmentAction": .string(paths.enrollment),
        ]
        content.merge(requirementForm(canManage: canManage)) { _, new in new }
        if let deadline = decision.deadline, !overview.isEnrolled {
            content["deadline"] = [
                "text": .string(dates.dateTime(deadline)), "iso": .string(PageDates.iso8601(deadline)),
                "passed": .bool(deadline <= now),
            ]
        }
        if mfa.exemptNow {
            var exemption: [String: TemplateValue] = [:]
            if let until = mfa.settings.exemptUntil {
                exemption["until"] = .string(dates.dateTime(until))
                exemption["untilISO"] = .string(PageDates.iso8601(until))
                content["exemptionDate"] = .string(UserPanelDates.lastDay(before: until, timeZone: dates.timeZoneName))
            }
            content["exemption"] = .object(exemption)
        }
        content["minimumExemptionDate"] = .string(UserPanelDates.day(now, timeZone: dates.timeZoneName))
        if let error { content["error"] = .string(error) }
        return content
    }

    // MARK: Parts

    private func userFacts() -> TemplateValue {
        var facts: [String: TemplateValue] = [
            "name": .string(user.name), "email": .string(user.email), "role": .string(Self.roleLabel(user.role)),
            "accountStatus": .string(Self.accountStatusLabel(user.status)),
            "accountStatusCode": .string(user.status.rawValue),
            "lastSignIn": .string(user.lastSignInAt.map(dates.dateTime) ?? "Never"),
        ]
        if let lastSignIn = user.lastSignInAt { facts["lastSignInISO"] = .string(PageDates.iso8601(lastSignIn)) }
        if user.isLocked(at: now) {
            facts["locked"] = .string("Sign-in is paused after too many failed attempts.")
        }
        return .object(facts)
    }

    /// The requirement form: the toggle, the enrollment period, and why they may be disabled.
    private func requirementForm(canManage: Bool) -> [String: TemplateValue] {
        let features = entitlement.features
        let settings = mfa.settings
        let hasEnrollmentPeriod = features.contains(.enrollmentPeriod)
        let days = settings.required ? settings.enrollmentDays : (hasEnrollmentPeriod ? 7 : 0)
        var form: [String: TemplateValue] = [
            "requireChecked": .bool(settings.required),
            "enrollmentDays": .string(String(days)),
            "hasEnrollmentPeriod": .bool(hasEnrollmentPeriod),
            "planName": .string(entitlement.effectivePlan.name),
            "liftedByDowngrade": .bool(settings.liftedByDowngrade),
        ]
        if !canManage {
            form["requireLocked"] = .bool(true)
            form["requireHint"] = .string(Self.readOnlyExplanation)
        } else if !Self.canChangeRequirement(features: features, settings: settings) {
            form["requireLocked"] = .bool(true)
            form["requireHint"] = .string(
                "Your \(entitlement.effectivePlan.name) plan does not include requiring MFA of individual people. "
                    + "Upgrade to \(plansOffering(.enforceUser)) to turn it on.")
            form["upgrade"] = .bool(true)
        }
        if !hasEnrollmentPeriod {
            form["enrollmentPeriodHint"] = .string(
                "Your plan allows only 0; upgrade to \(plansOffering(.enrollmentPeriod)) for a longer period.")
        }
        return form
    }

    /// `Team, Business or Enterprise`: the catalog's plans with `feature`, cheapest first.
    private func plansOffering(_ feature: Feature) -> String {
        let names = catalog.plans.filter { $0.features.contains(feature) }.sorted { $0.rank < $1.rank }.map(\.name)
        guard let last = names.last else { return "a higher plan" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    private func source(_ source: EnforcementDecision.Source) -> TemplateValue {
        let label: String
        switch source.kind {
        case .org: label = "Organization: MFA required for everyone"
        case .user: label = "This person: required by an administrator"
        case .group(let id): label = "Group policy: " + (policyNames[id] ?? "a policy for one of their groups")
        }
        return [
            "label": .string(label), "deadline": .string(dates.dateTime(source.deadline)),
            "deadlineISO": .string(PageDates.iso8601(source.deadline)),
        ]
    }

    private func factor(_ factor: MFAFactor) -> TemplateValue {
        var value: [String: TemplateValue] = [
            "kind": .string(factor.kind.rawValue),
            "label": .string(factor.kind == .totp ? "Authenticator app" : "Text message (SMS)"),
            "added": .string(dates.day(factor.activatedAt ?? factor.createdAt)),
        ]
        if let phone = factor.phoneNumber { value["detail"] = .string(Self.maskPhone(phone)) }
        if let used = factor.lastUsedAt { value["lastUsed"] = .string(dates.day(used)) }
        return .object(value)
    }

    /// One SMS delivery record: never its text (the table does not even hold it).
    private func message(_ message: Message) -> TemplateValue {
        var value: [String: TemplateValue] = [
            "createdAt": .string(dates.dateTime(message.createdAt)),
            "createdISO": .string(PageDates.iso8601(message.createdAt)),
            "recipient": .string(Self.maskPhone(message.recipient)),
            "status": .string(Self.deliveryLabel(message.status)),
            "statusCode": .string(message.status.rawValue),
            "errorCode": .string(message.errorCode ?? "—"),
        ]
        if let delivered = message.deliveredAt {
            value["deliveredAt"] = .string(dates.dateTime(delivered))
            value["deliveredISO"] = .string(PageDates.iso8601(delivered))
        }
        return .object(value)
    }

    // MARK: Labels

    /// A phone number with every digit but the last two hidden, whatever its shape (a stored
    /// number that does not parse is not shown as is).
    static func maskPhone(_ number: String) -> String {
        let digits = number.filter(\.isASCII).filter(\.isNumber)
        guard digits.count > 4 else { return "+" + String(repeating: "•", count: max(digits.count, 4)) }
        return "+" + String(repeating: "•", count: digits.count - 2) + String(digits.suffix(2))
    }

    /// The status badge as administrators read it: a label, a sentence and a style.
    static func status(_ status: MFAStatus) -> TemplateValue {
        let (label, description, tone): (String, String, String) =
            switch status {
            case .enrolled: ("Enrolled", "Has at least one active method.", "ok")
            case .notEnrolled: ("Not enrolled", "No method, and no requirement applies.", "neutral")
            case .preEnrollment:
                ("Pre-enrollment", "Required once they accept their invitation; the period starts then.", "warn")
            case .enrollmentPeriod:
                ("Enrollment period", "Required: they may still skip setup until the deadline.", "warn")
            case .setupRequired: ("Setup required", "Required now: setup is forced at their next sign-in.", "bad")
            case .expired:
                ("Expired", "The deadline passed: they cannot sign in until you reset their enrollment period.", "bad")
            case .exempt: ("Exempt", "An exemption suspends every requirement.", "neutral")
            }
        return [
            "code": .string(status.rawValue), "label": .string(label), "description": .string(description),
            "tone": .string(tone),
        ]
    }

    static func roleLabel(_ role: Role) -> String {
        switch role {
        case .owner: "Owner"
        case .admin: "Admin"
        case .member: "Member"
        }
    }

    static func accountStatusLabel(_ status: UserStatus) -> String {
        switch status {
        case .invited: "Invited"
        case .active: "Active"
        case .suspended: "Suspended"
        }
    }

    static func deliveryLabel(_ status: MessageStatus) -> String {
        switch status {
        case .queued: "Queued"
        case .sent: "Sent"
        case .delivered: "Delivered"
        case .undelivered: "Not delivered"
        case .failed: "Failed"
        case .expired: "Expired before sending"
        case .dead: "Gave up"
        }
    }
}
