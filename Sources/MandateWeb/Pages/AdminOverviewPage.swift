import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// `GET /admin`: the administrators' landing page (owners and admins, `canViewOrganization`;
/// everyone else gets a 403 page). It shows the plan, the enforcement in place, the users per MFA
/// status (a bar chart linking to the filtered users list) and the enrollment progress of the
/// last 30 days (an area chart). Both charts have their numbers in a table too.
struct AdminOverviewPage: Sendable {
    static let path = "/admin"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            let principal = try context.requirePrincipal()
            return try await overview(request, principal: principal)
        }
    }

    private func overview(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let tenant = principal.tenant
        let now = services.environment.clock.now()
        let entitlement = tenant.entitlement(catalog: services.environment.catalog, now: now)
        let features = entitlement.features
        let reports = EnforcementOverviewService(environment: services.environment)
        let counts = try await services.enforcement.counts(principal)
        let policies = try await services.policies.list(principal)
        let sources = try await reports.userSources(principal)
        let progress = try await reports.enrollmentProgress(principal)
        let dates = PageDates(timeZone: tenant.timeZone)

        var content: [String: TemplateValue] = [
            "planName": .string(entitlement.effectivePlan.name),
            "subscriptionStatus": .string(AdminPages.statusLabel(tenant.subscriptionStatus)),
            "lapsed": .bool(entitlement.isLapsed),
            "subscribedPlanName": .string(entitlement.subscribedPlan.name),
            "timeZone": .string(dates.timeZoneName),
        ]
        content["enforcement"] = Self.enforcement(
            tenant.settings, features: features, enabledPolicies: policies.filter(\.enabled).count,
            sources: sources, dates: dates)
        content["statuses"] = Self.statuses(counts)
        content["progress"] = Self.progress(progress, dates: dates)
        return try environment.renderer.respond(
            Page(
                template: "admin-overview", title: "Overview",
                chrome: try await environment.chrome(for: principal, mfa: nil), content: content),
            to: request)
    }

    // MARK: View models

    private static func enforcement(
        _ settings: TenantSettings, features: Set<Feature>, enabledPolicies: Int,
        sources: EnforcementOverviewService.UserSources, dates: PageDates
    ) -> TemplateValue {
        var value: [String: TemplateValue] = [
            "orgRequired": .bool(settings.mfaRequired),
            "orgDays": .string(Self.period(settings.mfaEnrollmentDays)),
            "orgNotApplied": .bool(settings.mfaRequired && !features.contains(.enforceOrg)),
            "enabledPolicies": .int(enabledPolicies),
            "policiesNotApplied": .bool(enabledPolicies > 0 && !features.contains(.enforceGroups)),
            "ownRequirements": .int(sources.ownRequirements),
            "ownNotApplied": .bool(sources.ownRequirements > 0 && !features.contains(.enforceUser)),
            "exemptions": .int(sources.exemptions),
        ]
        if settings.mfaRequired, let since = settings.mfaEnabledAt {
            value["orgSince"] = .string(dates.dateTime(since))
            value["orgSinceISO"] = .string(PageDates.iso8601(since))
        }
        return .object(value)
    }

    /// `at the next sign-in` or `7 days to set it up`.
    private static func period(_ days: Int) -> String {
        switch days {
        case 0: "at the next sign-in"
        case 1: "1 day to set it up"
        default: "\(days) days to set it up"
        }
    }

    /// The status counts: chart, table rows (linking to the filtered users list) and the total.
    private static func statuses(_ counts: [MFAStatus: Int]) -> TemplateValue {
        let rows = MFAStatus.allCases.map { status in
            (status: status, label: label(status), count: counts[status] ?? 0)
        }
        let total = rows.reduce(0) { $0 + $1.count }
        let chart = SVGChart(
            id: "status-chart", title: "Users by MFA status",
            description: rows.map { "\($0.label): \($0.count)" }.joined(separator: ", ") + ".")
        return [
            "total": .int(total),
            "chart": .html(
                chart.bars(
                    rows.map {
                        SVGChart.Bar(
                            label: $0.label, value: $0.count,
                            tone: $0.status.rawValue.replacingOccurrences(of: "_", with: "-"))
                    })),
            "rows": .list(
                rows.map { row in
                    [
                        "code": .string(row.status.rawValue), "label": .string(row.label), "count": .int(row.count),
                        "link": .string("/admin/users?mfaStatus=" + row.status.rawValue),
                    ]
                }),
        ]
    }

    /// What administrators call each status.
    static func label(_ status: MFAStatus) -> String {
        switch status {
        case .enrolled: "Enrolled"
        case .notEnrolled: "Not enrolled, not required"
        case .preEnrollment: "Required once active"
        case .enrollmentPeriod: "In enrollment period"
        case .setupRequired: "Setup required now"
        case .expired: "Deadline passed"
        case .exempt: "Exempt"
        }
    }

    private static func progress(_ progress: EnrollmentProgress, dates: PageDates) -> TemplateValue {
        let days = progress.days
        guard let first = days.first, let last = days.last else { return .null }
        let firstLabel = dates.day(first.start)
        let lastLabel = dates.day(last.start)
        let chart = SVGChart(
            id: "progress-chart", title: "Users with MFA set up, last \(days.count) days",
            description:
                "\(first.enrolled) of \(first.users) users on \(firstLabel); "
                + "\(last.enrolled) of \(last.users) users on \(lastLabel) (today).")
        return [
            "chart": .html(
                chart.area(
                    days.map { SVGChart.Point(value: $0.enrolled, total: $0.users) }, firstLabel: firstLabel,
                    lastLabel: lastLabel)),
            "days": .int(days.count),
            "today": day(last, dates: dates),
            "first": day(first, dates: dates),
            "rows": .list(days.reversed().map { day($0, dates: dates) }),
        ]
    }

    private static func day(_ day: EnrollmentProgress.Day, dates: PageDates) -> TemplateValue {
        [
            "date": .string(dates.day(day.start)), "dateISO": .string(PageDates.iso8601(day.start)),
            "enrolled": .int(day.enrolled), "users": .int(day.users), "share": .string(share(day)),
        ]
    }

    /// `42%` (whole percent, rounded down so that 100% means everyone), or `—` without users.
    static func share(_ day: EnrollmentProgress.Day) -> String {
        guard day.users > 0 else { return "—" }
        return "\(day.enrolled * 100 / day.users)%"
    }
}
