import Foundation
import HTMLTemplates
import MandateCore

/// What the layout shows around every page: the header with the organization, the signed-in user
/// and the sign-out button, the site-wide banner, and flash messages.
struct PageChrome: Sendable {
    /// The signed-in user's organization and name (nil on anonymous pages).
    var organization: String?
    var userName: String?
    var userEmail: String?
    /// The CSRF token of the sign-out form (nil on anonymous pages: no sign-out button).
    var signOutToken: String?
    /// A setup-only session: the header shows no navigation, only sign-out.
    var isSetupOnly = false
    /// The user manages the organization: the navigation links the admin pages.
    var isAdmin = false
    /// The site-wide banner (an enrollment period's deadline).
    var banner: Banner?
    var flash: [Flash] = []

    struct Banner: Sendable {
        var message: String
        var deadline: Date
        var deadlineText: String
        /// Where the banner's action leads.
        var link: String
        var linkText: String
    }

    static let anonymous = PageChrome()

    /// The chrome of a signed-in user; the banner appears during an enrollment period.
    static func signedIn(
        _ principal: Principal, signOutToken: String, mfa: MFAEnforcementView?, dates: PageDates
    ) -> PageChrome {
        var chrome = PageChrome(
            organization: principal.tenant.name, userName: principal.user.map { $0.name.isEmpty ? $0.email : $0.name },
            userEmail: principal.user?.email, signOutToken: signOutToken,
            isSetupOnly: principal.session?.scope == .mfaSetup)
        chrome.isAdmin = principal.canViewOrganization
        if let mfa, mfa.decision.status == .enrollmentPeriod, let deadline = mfa.decision.deadline {
            chrome.banner = Banner(
                message: "Set up multi-factor authentication by \(dates.dateTime(deadline)).", deadline: deadline,
                deadlineText: dates.dateTime(deadline), link: "/account/mfa/setup", linkText: "Set it up now")
        }
        return chrome
    }

    var templateValue: TemplateValue {
        var header: [String: TemplateValue] = [:]
        if let organization { header["organization"] = .string(organization) }
        if let userName { header["userName"] = .string(userName) }
        if let userEmail { header["userEmail"] = .string(userEmail) }
        if let signOutToken { header["signOutToken"] = .string(signOutToken) }
        header["signedIn"] = .bool(signOutToken != nil)
        header["fullNavigation"] = .bool(signOutToken != nil && !isSetupOnly)
        header["admin"] = .bool(isAdmin)
        var value: [String: TemplateValue] = [
            "header": .object(header),
            "flash": .list(flash.map(\.templateValue)),
        ]
        if let banner {
            value["banner"] = [
                "message": .string(banner.message), "deadline": .string(PageDates.iso8601(banner.deadline)),
                "deadlineText": .string(banner.deadlineText), "link": .string(banner.link),
                "linkText": .string(banner.linkText),
            ]
        }
        return .object(value)
    }
}
