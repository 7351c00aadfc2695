import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The people list (`GET /admin/users`) and its bulk changes (`POST /admin/users/bulk`).
@Suite("Pages: people")
struct PagesUsersTests {
    /// A tenant with an enrolled user, a user whose name holds HTML, a required user in a group,
    /// and the owner signed in through the pages.
    struct Fixture {
        let app: TestApp
        let owner: PageClient
        let ownerToken: String
        let ada: User
        let bob: User
        let cy: User
        let groupID: String
    }

    static func fixture() async throws -> Fixture {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test", name: "Ada Lovelace")
        let bob = try await app.makeUser(tenant: "acme", email: "bob@acme.test", name: "<b>Bob</b> & \"Co\"")
        let cy = try await app.makeUser(tenant: "acme", email: "cy@acme.test", name: "Cy Young")
        let adaToken = try await app.login("acme", "ada@acme.test")
        _ = try await app.enrollTOTP(adaToken)
        try await app.enrollSMS(adaToken, phone: "+14155550142")
        let token = try await app.login("acme", "owner@acme.test")
        let required = await app.request(
            .patch, "/api/v1/users/\(cy.id)", token: token, json: ["mfaRequired": true, "mfaEnrollmentDays": 7])
        guard required.status == 200 else { throw TestFailure("require cy: \(required.text)") }
        let group = await app.request(.post, "/api/v1/groups", token: token, json: ["name": "Finance"])
        let groupID = try #require(group.string("id"))
        let added = await app.request(
            .post, "/api/v1/groups/\(groupID)/members", token: token, json: ["userIds": [cy.id]])
        guard added.status == 200 else { throw TestFailure("add member: \(added.text)") }
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        return Fixture(app: app, owner: owner, ownerToken: token, ada: ada, bob: bob, cy: cy, groupID: groupID)
    }

    /// The ids of the rows of a list page, in order.
    static func rowIDs(_ page: TestApp.Response) -> [String] {
        PageHTML.inputs(in: page.text).filter { $0.attributes["name"] == "userIds" }.compactMap {
            $0.attributes["value"]
        }
    }

    static func link(_ page: TestApp.Response, rel: String) -> String? {
        PageHTML.tags("a", in: page.text).first { $0.attributes["rel"] == rel }?.attributes["href"]
    }

    @Test("the list shows each person's role, MFA status, factors, sources and deadline, names escaped")
    func listing() async throws {
        let fixture = try await Self.fixture()
        let page = await fixture.owner.get("/admin/users")
        #expect(page.status == 200)
        #expect(page.text.contains("<a href=\"/admin/users\">People</a>"))
        let ids = Self.rowIDs(page)
        #expect(ids.count == 4)
        #expect(Set(ids).isSuperset(of: [fixture.ada.id, fixture.bob.id, fixture.cy.id]))
        #expect(page.text.contains("<a href=\"/admin/users/\(fixture.ada.id)\">Ada Lovelace</a>"))
        #expect(page.text.contains("&lt;b&gt;Bob&lt;/b&gt; &amp; &quot;Co&quot;"))
        #expect(!page.text.contains("<b>Bob</b>"))
        #expect(page.text.contains("4 people in your organization."))

        let adaRow = try #require(Self.row(of: fixture.ada.id, in: page.text))
        #expect(adaRow.contains(">Enrolled</span>"))
        #expect(adaRow.contains("<td class=\"person__factors\">TOTP, SMS</td>"))
        #expect(adaRow.contains("<td>Member</td>"))
        let cyRow = try #require(Self.row(of: fixture.cy.id, in: page.text))
        #expect(cyRow.contains(">Enrollment period</span>"))
        #expect(cyRow.contains("<td class=\"person__sources\">Personal</td>"))
        #expect(cyRow.contains("<td class=\"person__factors\">None</td>"))
        let deadline = Self.utcDateTime(fixture.app.clock.now().addingTimeInterval(7 * 86_400))
        #expect(cyRow.contains(deadline))
        let bobRow = try #require(Self.row(of: fixture.bob.id, in: page.text))
        #expect(bobRow.contains(">Not enrolled</span>"))
        #expect(bobRow.contains("Never"))
    }

    @Test("filters by MFA status, requirement, group, role and search, and keep them in the form")
    func filters() async throws {
        let fixture = try await Self.fixture()
        let owner = fixture.owner
        let enrolled = await owner.get("/admin/users?mfaStatus=enrolled")
        #expect(Self.rowIDs(enrolled) == [fixture.ada.id])
        #expect(enrolled.text.contains("<option value=\"enrolled\" selected>Enrolled</option>"))
        #expect(enrolled.text.contains("1 person matches these filters."))

        let required = await owner.get("/admin/users?required=yes")
        #expect(Self.rowIDs(required) == [fixture.cy.id])
        let notRequired = await owner.get("/admin/users?required=no")
        #expect(!Self.rowIDs(notRequired).contains(fixture.cy.id))
        #expect(Self.rowIDs(notRequired).count == 3)

        let group = await owner.get("/admin/users?group=\(fixture.groupID)")
        #expect(Self.rowIDs(group) == [fixture.cy.id])
        #expect(group.text.contains("<option value=\"\(fixture.groupID)\" selected>Finance</option>"))

        let owners = await owner.get("/admin/users?role=owner")
        #expect(Self.rowIDs(owners).count == 1)
        #expect(owners.text.contains("<td>Owner</td>"))

        let search = await owner.get("/admin/users?" + URLEncodedForm.encode([("q", "<b>bob")]))
        #expect(Self.rowIDs(search) == [fixture.bob.id])
        let box = try #require(PageHTML.inputs(in: search.text).first { $0.attributes["name"] == "q" })
        #expect(box.attributes["value"] == "<b>bob")
        #expect(search.text.contains("value=\"&lt;b&gt;bob\""))

        let nobody = await owner.get("/admin/users?q=zzz")
        #expect(nobody.status == 200)
        #expect(Self.rowIDs(nobody).isEmpty)
        #expect(nobody.text.contains("No one matches these filters."))

        for bad in ["mfaStatus=sleepy", "required=maybe", "group=grp_elsewhere", "role=king", "limit=0", "limit=x"] {
            let refused = await owner.get("/admin/users?" + bad)
            #expect(refused.status == 422, "\(bad)")
            #expect(refused.text.contains("role=\"alert\""), "\(bad)")
            #expect(Self.rowIDs(refused).count == 4, "\(bad): the list is shown without the bad filter")
        }
        let staleCursor = await owner.get("/admin/users?cursor=nonsense")
        #expect(staleCursor.status == 422)
        #expect(Self.rowIDs(staleCursor).count == 4)
    }

    @Test("pages follow the service's cursor and keep the filters; the count is there on demand")
    func pagination() async throws {
        let fixture = try await Self.fixture()
        for index in 0..<4 {
            try await fixture.app.makeUser(tenant: "acme", email: "p\(index)@acme.test")
        }
        // Members: ada, bob, cy and the four above.
        var target = "/admin/users?role=member&limit=3"
        var seen: [String] = []
        var pages = 0
        while true {
            let page = await fixture.owner.get(target)
            #expect(page.status == 200)
            pages += 1
            seen += Self.rowIDs(page)
            if pages == 1 {
                #expect(Self.link(page, rel: "next") != nil)
                #expect(!page.text.contains("First page"))
                #expect(!page.text.contains("people match"), "a count of several pages is asked for")
                let countLink = try #require(
                    PageHTML.tags("a", in: page.text).first { $0.attributes["href"]?.contains("count=1") == true })
                let counted = await fixture.owner.get(try #require(countLink.attributes["href"]))
                #expect(counted.text.contains("7 people match these filters."))
            } else {
                #expect(page.text.contains("First page"))
            }
            guard let next = Self.link(page, rel: "next") else { break }
            #expect(next.contains("role=member"))
            #expect(next.contains("limit=3"))
            target = next
            if pages > 5 { break }
        }
        #expect(pages == 3)
        #expect(seen.count == 7)
        #expect(Set(seen).count == 7)
        let firstPage = await fixture.owner.get(target)
        let firstLink = PageHTML.tags("a", in: firstPage.text).first { $0.raw.contains("pagination__first") }
        let first = try #require(firstLink?.attributes["href"])
        #expect(first == "/admin/users?role=member&limit=3")

        // A search pages the same way (it walks another index).
        let searched = await fixture.owner.get("/admin/users?q=p&limit=3")
        #expect(Self.rowIDs(searched).count == 3)
        let more = await fixture.owner.get(try #require(Self.link(searched, rel: "next")))
        #expect(Self.rowIDs(more).count == 1)
        #expect(Self.link(more, rel: "next") == nil)
        #expect(Set(Self.rowIDs(searched) + Self.rowIDs(more)).count == 4)
    }

    @Test("bulk require: 7 days by default, the deadline follows, back to the same filtered list")
    func bulkRequire() async throws {
        let fixture = try await Self.fixture()
        let owner = fixture.owner
        let page = await owner.get("/admin/users?required=no")
        let days = try #require(PageHTML.inputs(in: page.text).first { $0.attributes["name"] == "enrollmentDays" })
        #expect(days.attributes["value"] == "7")
        #expect(days.attributes["min"] == "1")
        #expect(days.attributes["max"] == "365")
        let fields =
            try PageHTML.hiddenFields(of: "/admin/users/bulk", in: page.text) + [
                ("userIds", fixture.bob.id), ("userIds", fixture.ada.id), ("action", "require"),
                ("enrollmentDays", "7"),
            ]
        let done = await owner.post("/admin/users/bulk", fields)
        #expect(done.status == 303)
        #expect(done.headers["Location"] == "/admin/users?required=no")
        let after = try await owner.follow(done)
        #expect(after.text.contains("The change is applied to the people you selected."))
        #expect(!Self.rowIDs(after).contains(fixture.bob.id), "bob is required now")

        // Deadlines are shown in the organization's time zone.
        _ = try await fixture.app.database.write { connection in
            try connection.run("UPDATE tenants SET time_zone = 'Asia/Kolkata'")
        }
        let required = await owner.get("/admin/users?required=yes")
        let bobRow = try #require(Self.row(of: fixture.bob.id, in: required.text))
        #expect(bobRow.contains(">Enrollment period</span>"))
        let deadline = fixture.app.clock.now().addingTimeInterval(7 * 86_400)
        #expect(bobRow.contains(Self.utcDateTime(deadline, zone: "Asia/Kolkata")))
        let stored = try await fixture.app.query(
            "SELECT mfa_required, mfa_enrollment_days FROM users WHERE id = ?", [fixture.bob.id])
        #expect(try stored.first?.decode(0, as: Int.self) == 1)
        #expect(try stored.first?.decode(1, as: Int.self) == 7)
        let tenantID = fixture.bob.tenantID
        #expect(try await fixture.app.auditCount(tenantID: tenantID, action: "mfa.user_requirement.updated") == 3)

        // Without the field (as a form that never had it), the period is 7 days too; the range holds.
        let again = try await owner.submit(
            "/admin/users/bulk", on: page, ["userIds": fixture.cy.id, "action": "remove_requirement"])
        #expect(again.status == 303)
        let restored = try await owner.submit(
            "/admin/users/bulk", on: page, ["userIds": fixture.cy.id, "action": "require"])
        #expect(restored.status == 303)
        let cyDays = try await fixture.app.userColumn("mfa_enrollment_days", of: fixture.cy.id, as: Int.self)
        #expect(cyDays == 7)
    }

    @Test("bad days, no selection, no action and another tenant's ids are refused and change nothing")
    func bulkRefusals() async throws {
        let fixture = try await Self.fixture()
        let app = fixture.app
        try await app.makeTenant(slug: "globex")
        let stranger = try await app.makeUser(tenant: "globex", email: "gil@globex.test")
        let owner = fixture.owner
        let page = await owner.get("/admin/users")
        let before = try await Self.snapshot(app)
        for days in ["0", "366", "abc", "", "7.5"] {
            let refused = try await owner.submit(
                "/admin/users/bulk", on: page,
                ["userIds": fixture.bob.id, "action": "require", "enrollmentDays": days])
            #expect(refused.status == 422, "days \(days)")
            #expect(refused.text.contains("from 1 to 365"), "days \(days)")
            let box = PageHTML.inputs(in: refused.text).first { $0.attributes["value"] == fixture.bob.id }
            #expect(box?.attributes["checked"] != nil, "the selection is kept")
        }
        let empty = try await owner.submit("/admin/users/bulk", on: page, ["action": "exempt"])
        #expect(empty.status == 422)
        #expect(empty.text.contains("Select at least one person"))
        let noAction = try await owner.submit("/admin/users/bulk", on: page, ["userIds": fixture.bob.id])
        #expect(noAction.status == 422)
        #expect(noAction.text.contains("Choose what to do"))
        let foreign = await owner.post(
            "/admin/users/bulk",
            try PageHTML.hiddenFields(of: "/admin/users/bulk", in: page.text) + [
                ("userIds", fixture.bob.id), ("userIds", stranger.id), ("action", "exempt"),
            ])
        #expect(foreign.status == 404)
        #expect(foreign.text.contains("role=\"alert\""))
        #expect(try await Self.snapshot(app) == before)
    }

    @Test("members get a 403 page, for the list and the bulk form, and change nothing")
    func members() async throws {
        let fixture = try await Self.fixture()
        let member = PageClient(fixture.app)
        try await member.signInFully("acme", "bob@acme.test")
        let account = await member.get("/account")
        #expect(!account.text.contains("href=\"/admin/users\""))
        let listed = await member.get("/admin/users")
        #expect(listed.status == 403)
        #expect(listed.text.contains("Only owners and admins"))
        let token = try #require(try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        let before = try await Self.snapshot(fixture.app)
        let posted = await member.post(
            "/admin/users/bulk",
            [("csrf", token.1), ("userIds", fixture.cy.id), ("action", "exempt")])
        #expect(posted.status == 403)
        #expect(try await Self.snapshot(fixture.app) == before)
    }

    @Test("bulk exempt: until the end of the chosen day in the organization's zone, or until ended")
    func bulkExempt() async throws {
        let fixture = try await Self.fixture()
        let owner = fixture.owner
        let page = await owner.get("/admin/users")
        let before = try await Self.snapshot(fixture.app)
        for (until, message) in [
            ("soon", "as a date"), ("2026-02-30", "as a date"), ("2026-13-01", "as a date"),
            ("2025-12-01", "must be in the future"),
        ] {
            let refused = try await owner.submit(
                "/admin/users/bulk", on: page, ["userIds": fixture.bob.id, "action": "exempt", "exemptUntil": until])
            #expect(refused.status == 422, "\(until)")
            #expect(refused.text.contains(message), "\(until)")
        }
        #expect(try await Self.snapshot(fixture.app) == before)

        let now = fixture.app.clock.now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let lastDay = try #require(calendar.date(byAdding: .day, value: 10, to: calendar.startOfDay(for: now)))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        let done = try await owner.submit(
            "/admin/users/bulk", on: page,
            ["userIds": fixture.bob.id, "action": "exempt", "exemptUntil": formatter.string(from: lastDay)])
        #expect(done.status == 303)
        let stored = try await fixture.app.query(
            "SELECT mfa_exempt, mfa_exempt_until FROM users WHERE id = ?", [fixture.bob.id])
        #expect(try stored.first?.decode(0, as: Int.self) == 1)
        let until = try stored.first?.decode(1, as: Date?.self)
        #expect(until == lastDay.addingTimeInterval(86_400))
        let exempt = await owner.get("/admin/users?mfaStatus=exempt")
        #expect(Self.rowIDs(exempt) == [fixture.bob.id])
    }

    @Test("without enrollment periods in the plan, the days are disabled and a requirement is due at once")
    func teamPlan() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: "team")
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let page = await owner.get("/admin/users")
        let days = try #require(PageHTML.inputs(in: page.text).first { $0.attributes["name"] == "enrollmentDays" })
        #expect(days.attributes["disabled"] != nil)
        #expect(page.text.contains("does not include enrollment periods"))
        let done = try await owner.submit("/admin/users/bulk", on: page, ["userIds": ada.id, "action": "require"])
        #expect(done.status == 303)
        let after = await owner.get("/admin/users?required=yes")
        let row = try #require(Self.row(of: ada.id, in: after.text))
        #expect(row.contains(">Setup required</span>"))
    }

    // MARK: Helpers

    /// The markup of the row whose checkbox holds `id`.
    static func row(of id: String, in html: String) -> String? {
        guard let box = html.range(of: "value=\"\(id)\" id=\"select-"),
            let start = html.range(of: "<tr", options: .backwards, range: html.startIndex..<box.lowerBound),
            let end = html.range(of: "</tr>", range: box.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// A date as the pages of a tenant in `zone` show it.
    static func utcDateTime(_ date: Date, zone: String = "UTC") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "d MMMM yyyy 'at' HH:mm"
        return formatter.string(from: date) + " (\(zone))"
    }

    /// Users, memberships and audit events, as text.
    static func snapshot(_ app: TestApp) async throws -> [String] {
        var lines: [String] = []
        for table in ["users", "audit_events", "group_members"] {
            for row in try await app.query("SELECT * FROM \(table) ORDER BY 1") {
                lines.append(table + ": " + row.values.map { "\($0)" }.joined(separator: "|"))
            }
        }
        return lines
    }
}
