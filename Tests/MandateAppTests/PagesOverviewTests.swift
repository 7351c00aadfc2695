import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import SQLite
import Storage
import Testing

@testable import MandateCore
@testable import MandateWeb

/// The administrators' overview (`GET /admin`): plan, enforcement, users per MFA status and the
/// enrollment progress over time.
@Suite("Pages: admin overview")
struct PagesOverviewTests {
    /// 2026-01-01T00:00:00Z, where the test clock starts.
    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let day: TimeInterval = 86_400

    /// Changes a user through `PATCH /api/v1/users/:id` (expects success).
    static func patchUser(_ app: TestApp, _ token: String, _ userID: String, _ body: [String: Any]) async throws {
        let response = await app.request(.patch, "/api/v1/users/\(userID)", token: token, json: body)
        guard response.status == 200 else {
            throw TestFailure("PATCH user \(body): \(response.status) \(response.text)")
        }
    }

    /// The cells of the status table's row for `code`.
    static func statusRow(_ code: String, in html: String) -> String? {
        PageHTML.text(after: "<tr class=\"status-count status-count--\(code)\">", until: "</tr>", in: html)
    }

    @Test("counts per MFA status: chart, table and links, with the enforcement in place")
    func statusCounts() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let bob = try await app.makeUser(tenant: "acme", email: "bob@acme.test")
        try await app.makeUser(tenant: "acme", email: "carl@acme.test")
        let dora = try await app.makeUser(tenant: "acme", email: "dora@acme.test")
        let erin = try await app.makeUser(tenant: "acme", email: "erin@acme.test")
        _ = ada
        _ = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        let ownerToken = try await app.login("acme", "owner@acme.test")
        try await Self.patchUser(app, ownerToken, bob.id, ["mfaExempt": true])
        try await Self.patchUser(app, ownerToken, dora.id, ["mfaRequired": true, "mfaEnrollmentDays": 7])
        try await Self.patchUser(app, ownerToken, erin.id, ["mfaRequired": true, "mfaEnrollmentDays": 0])

        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin")
        #expect(page.status == 200)
        #expect(page.text.contains("<a href=\"/admin\">Overview</a>"))
        #expect(page.text.contains("Enterprise"))
        #expect(page.text.contains("6 users in all."))
        let expected = [
            ("enrolled", 1), ("not_enrolled", 2), ("exempt", 1), ("enrollment_period", 1), ("setup_required", 1),
            ("expired", 0), ("pre_enrollment", 0),
        ]
        for (code, count) in expected {
            let row = Self.statusRow(code, in: page.text) ?? ""
            #expect(row.contains("<td class=\"num\">\(count)</td>"), "\(code): \(row)")
            #expect(row.contains("href=\"/admin/users?mfaStatus=\(code)\""), "\(code)")
        }
        // The chart: an accessible image with the same numbers.
        let svg = try #require(PageHTML.tags("svg", in: page.text).first)
        #expect(svg.attributes["role"] == "img")
        #expect(svg.attributes["aria-labelledby"] == "status-chart-title status-chart-desc")
        #expect(page.text.contains("<title id=\"status-chart-title\">Users by MFA status</title>"))
        #expect(page.text.contains("Enrolled: 1, Not enrolled, not required: 2"))
        let bars = PageHTML.tags("rect", in: page.text)
        #expect(bars.count == 7)
        let enrolledBar = try #require(bars.first { $0.attributes["class"] == "chart__bar chart__bar--enrolled" })
        let notEnrolledBar = try #require(
            bars.first { $0.attributes["class"] == "chart__bar chart__bar--not-enrolled" })
        let expiredBar = try #require(bars.first { $0.attributes["class"] == "chart__bar chart__bar--expired" })
        #expect(expiredBar.attributes["width"] == "0")
        let enrolledWidth = Double(enrolledBar.attributes["width"] ?? "") ?? 0
        let notEnrolledWidth = Double(notEnrolledBar.attributes["width"] ?? "") ?? 0
        #expect(abs(notEnrolledWidth - 2 * enrolledWidth) < 0.2, "bars proportional to the counts")

        // Enforcement: own requirements and exemptions counted; no org requirement, no policy yet.
        #expect(page.text.contains("<dd class=\"fact-own\">2</dd>"))
        #expect(page.text.contains("<dd class=\"fact-exemptions\">1</dd>"))
        #expect(page.text.contains("<dd class=\"fact-org\">Off"))
        #expect(page.text.contains("<dd class=\"fact-policies\">0"))

        app.clock.advance(by: 60)
        try await app.updateSettings(ownerToken, ["mfaRequired": true, "mfaEnrollmentDays": 14])
        let policy = await app.request(
            .post, "/api/v1/mfa-policies", token: ownerToken, json: ["name": "All", "includeAllUsers": true])
        #expect(policy.status == 201)
        let after = await owner.get("/admin")
        #expect(after.text.contains("<dd class=\"fact-org\">On, 14 days to set it up, since <time datetime="))
        #expect(after.text.contains("1 January 2026 at 00:"))
        #expect(after.text.contains("<dd class=\"fact-policies\">1"))
        #expect(Self.statusRow("not_enrolled", in: after.text)?.contains("<td class=\"num\">0</td>") == true)
    }

    @Test("enrollment progress: users enrolled on given days, cumulative, in the tenant's time zone")
    func progressOverTime() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        for name in ["ada", "bob", "carl", "dave"] {
            try await app.makeUser(tenant: "acme", email: "\(name)@acme.test")
        }
        app.clock.advance(by: 10 * 3600)  // 1 January, 10:00 UTC
        let (adaSecret, _) = try await app.enrollTOTP(try await app.login("acme", "ada@acme.test"))
        app.clock.advance(by: 2 * Self.day)  // 3 January
        _ = try await app.enrollTOTP(try await app.login("acme", "bob@acme.test"))
        app.clock.advance(by: 3 * Self.day)  // 6 January
        _ = try await app.enrollTOTP(try await app.login("acme", "carl@acme.test"))
        // A second factor does not count the user twice, nor later: the earliest one decides.
        let verified = await app.verify(
            try await app.challenge("acme", "ada@acme.test"), method: "totp", code: try app.totpCode(adaSecret))
        try await app.enrollSMS(try #require(verified.string("token")), phone: "+14155550142")
        app.clock.set(Self.start.addingTimeInterval(9 * Self.day + 12 * 3600))  // 10 January, 12:00 UTC

        let ownerToken = try await app.login("acme", "owner@acme.test")
        let progress = try await EnforcementOverviewService(environment: app.environment).enrollmentProgress(
            try await app.principal(ownerToken))
        #expect(progress.days.count == 30)
        let last = try #require(progress.days.last)
        #expect(last.start == Self.start.addingTimeInterval(9 * Self.day))
        let byDay = Dictionary(
            progress.days.map { (Int(($0.start.timeIntervalSince(Self.start) / Self.day).rounded()), $0) },
            uniquingKeysWith: { first, _ in first })
        #expect(byDay[-1]?.enrolled == 0)
        #expect(byDay[-1]?.users == 0)
        #expect(byDay[0]?.enrolled == 1)
        #expect(byDay[0]?.users == 5)
        #expect(byDay[1]?.enrolled == 1)
        #expect(byDay[2]?.enrolled == 2)
        #expect(byDay[4]?.enrolled == 2)
        #expect(byDay[5]?.enrolled == 3)
        #expect(byDay[9]?.enrolled == 3)
        #expect(byDay[-20]?.enrolled == 0)

        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin")
        #expect(page.status == 200)
        #expect(page.text.contains("Today 3 of 5 users (60%) have MFA set up."))
        #expect(page.text.contains(">3 January 2026</time></th><td class=\"num\">2</td><td class=\"num\">5</td>"))
        #expect(page.text.contains(">31 December 2025</time></th><td class=\"num\">0</td><td class=\"num\">0</td>"))
        #expect(page.text.contains("<title id=\"progress-chart-title\">Users with MFA set up, last 30 days</title>"))
        #expect(page.text.contains("0 of 0 users on 12 December 2025; 3 of 5 users on 10 January 2026 (today)."))
        #expect(PageHTML.tags("polyline", in: page.text).count == 2)

        // Days are the tenant's: 23:30 UTC on 10 January is already 11 January in Berlin.
        try await app.updateSettings(ownerToken, ["timeZone": "Europe/Berlin"])
        app.clock.set(Self.start.addingTimeInterval(9 * Self.day + 23.5 * 3600))
        _ = try await app.enrollTOTP(try await app.login("acme", "dave@acme.test"))
        let berlin = try await EnforcementOverviewService(environment: app.environment).enrollmentProgress(
            try await app.principal(try await app.login("acme", "owner@acme.test")))
        let today = try #require(berlin.days.last)
        let yesterday = berlin.days[berlin.days.count - 2]
        #expect(today.start == Self.start.addingTimeInterval(10 * Self.day - 3600))
        #expect(today.enrolled == 4)
        #expect(yesterday.enrolled == 3)
    }

    @Test("days follow the tenant's calendar across a daylight-saving change")
    func dayBoundaries() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // 30 March 2026, 12:00 UTC; Berlin moved to summer time on 29 March (a 23-hour day).
        let now = Date(timeIntervalSince1970: 1_774_872_000)
        let bounds = EnrollmentProgressQuery.boundaries(days: 3, now: now, timeZone: berlin)
        let expected = ["2026-03-27T23:00:00Z", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", "2026-03-30T22:00:00Z"]
        let formatter = ISO8601DateFormatter()
        #expect(bounds.map { formatter.string(from: $0) } == expected)
    }

    @Test("chart labels are escaped; the SVG carries numbers and classes, never style attributes")
    func chartEscaping() {
        let chart = SVGChart(id: "c\"x", title: "<b>Title</b>", description: "a & b")
        let bars = chart.bars([SVGChart.Bar(label: "<script>alert('x')</script>", value: 3, tone: "a\"b")]).rawHTML
        #expect(!bars.contains("<script>"))
        #expect(bars.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(bars.contains("<title id=\"c&quot;x-title\">&lt;b&gt;Title&lt;/b&gt;</title>"))
        #expect(bars.contains("<desc id=\"c&quot;x-desc\">a &amp; b</desc>"))
        #expect(bars.contains("chart__bar--a&quot;b"))
        #expect(!bars.contains("style="))
        let area = chart.area(
            [SVGChart.Point(value: 1, total: 2), SVGChart.Point(value: 2, total: 2)], firstLabel: "<1>",
            lastLabel: "\"2\""
        ).rawHTML
        #expect(area.contains("&lt;1&gt;"))
        #expect(area.contains("&quot;2&quot;"))
        #expect(!area.contains("style="))
        #expect(SVGChart.number(12.345) == "12.3")
        #expect(SVGChart.number(-0.5) == "-0.5")
        #expect(SVGChart.number(7) == "7")
    }

    @Test("the organization's own text on the overview is escaped")
    func pageEscaping() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let ownerToken = try await app.login("acme", "owner@acme.test")
        let renamed = await app.request(
            .patch, "/api/v1/organization/settings", token: ownerToken, json: ["name": "<script>alert(1)</script>"])
        #expect(renamed.status == 200)
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin")
        #expect(page.status == 200)
        #expect(!page.text.contains("<script>alert(1)</script>"))
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("members get the 403 page")
    func memberRefused() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let member = PageClient(app)
        try await member.signInFully("acme", "ada@acme.test")
        let page = await member.get("/admin")
        #expect(page.status == 403)
        #expect(page.text.contains("Only owners and admins"))
        #expect(!page.text.contains("href=\"/admin\""))
        #expect(await PageClient(app).get("/admin").status == 303, "signed out: to the sign-in page")
    }
}
