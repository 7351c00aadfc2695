import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The audit log page (`/admin/audit`) and its CSV export (`/admin/audit/export.csv`).
@Suite("Pages: audit log")
struct PagesAuditTests {
    /// One event to put straight into `audit_events` (the log has no public writer).
    struct Seed: Sendable {
        var action = "group.updated"
        var at = Date(timeIntervalSince1970: 1_793_000_000)
        var actorID: String? = nil
        var actorLabel: String? = nil
        var targetID: String? = nil
        var targetLabel: String? = nil
        var details = "{}"
    }

    /// Inserts `seeds` for `tenantID` in one transaction, in order (later ones get higher ids).
    static func seed(_ app: TestApp, tenantID: String, _ seeds: [Seed]) async throws {
        try await app.database.write { connection in
            for seed in seeds {
                try connection.run(
                    """
                    INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, actor_label, action,
                        target_type, target_id, target_label, outcome, details, ip)
                    VALUES (?, ?, 'user', ?, ?, ?, 'user', ?, ?, 'success', ?, '203.0.113.9')
                    """, tenantID, seed.at, seed.actorID, seed.actorLabel, seed.action, seed.targetID,
                    seed.targetLabel, seed.details)
            }
        }
    }

    /// The `data-id` of every event row of a page.
    static func rowIDs(_ page: TestApp.Response) -> [String] {
        PageHTML.tags("tr", in: page.text).compactMap { $0.attributes["data-id"] }
    }

    static func olderLink(_ page: TestApp.Response) -> String? {
        PageHTML.tags("a", in: page.text).first { $0.attributes["rel"] == "next" }?.attributes["href"]
    }

    @Test("members get a 403 page for the log and the export; owners and admins see the log")
    func permissions() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme")
        try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        try await app.makeUser(tenant: "acme", email: "adam@acme.test", role: .admin)
        let member = PageClient(app)
        try await member.signInFully("acme", "ada@acme.test")
        for target in ["/admin/audit", "/admin/audit/export.csv"] {
            let refused = await member.get(target)
            #expect(refused.status == 403, "\(target)")
            #expect(refused.text.contains("Only owners and admins"), "\(target)")
        }
        #expect(!(await member.get("/account")).text.contains("href=\"/admin/audit\""))
        let admin = PageClient(app)
        try await admin.signInFully("acme", "adam@acme.test")
        let page = await admin.get("/admin/audit")
        #expect(page.status == 200)
        #expect(page.text.contains("href=\"/admin/audit\">Audit log</a>"))
        #expect(page.text.contains("Signed in"), "the admin's own sign-in, with its human name")
        #expect(page.text.contains("<code>auth.login.succeeded</code>"))
    }

    @Test("filters: exact action, action prefix, actor and target by email, days in the tenant's zone")
    func filters() async throws {
        let app = try await TestApp()
        let (tenant, owner) = try await app.makeTenant(slug: "acme")
        let ada = try await app.makeUser(tenant: "acme", email: "ada@acme.test")
        _ = try await app.database.write { connection in
            try connection.run("UPDATE tenants SET time_zone = 'America/New_York' WHERE id = ?", tenant.id)
        }
        // 2026-11-02T03:00Z is still 1 November in New York; 2026-11-02T15:00Z is 2 November.
        let lateFirst = try #require(Timestamp.parse("2026-11-02T03:00:00Z"))
        let second = try #require(Timestamp.parse("2026-11-02T15:00:00Z"))
        try await Self.seed(
            app, tenantID: tenant.id,
            [
                Seed(action: "group.created", at: lateFirst, actorID: ada.id, actorLabel: ada.email),
                Seed(action: "group.updated", at: second, actorID: owner.id, actorLabel: owner.email),
                Seed(
                    action: "mfa.reset", at: second, actorID: owner.id, actorLabel: owner.email, targetID: ada.id,
                    targetLabel: ada.email),
            ])
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")

        func names(_ query: [String: String]) async throws -> [String] {
            let page = await browser.get("/admin/audit" + TestApp.queryString(query))
            #expect(page.status == 200, "\(query): \(page.status)")
            return PageHTML.tags("tr", in: page.text).compactMap { $0.attributes["data-id"] }
        }
        #expect(try await names(["action": "group.updated"]).count == 1)
        #expect(try await names(["action": "group."]).count == 2)
        #expect(try await names(["action": "grou"]).count == 2, "free text is a prefix")
        #expect(try await names(["action": "group.", "actor": "ADA@acme.test"]).count == 1)
        #expect(try await names(["target": "ada@acme.test", "action": "mfa."]).count == 1)
        #expect(try await names(["target": ada.id, "action": "mfa.reset"]).count == 1)
        #expect(try await names(["action": "group.", "from": "2026-11-01", "to": "2026-11-01"]).count == 1)
        #expect(try await names(["action": "group.", "from": "2026-11-02"]).count == 1)
        #expect(try await names(["action": "group.", "to": "2026-10-31"]).isEmpty)

        let unknown = await browser.get("/admin/audit?actor=nobody%40acme.test")
        #expect(unknown.status == 200)
        #expect(unknown.text.contains("Nobody in your organization has that email address."))
        #expect(Self.rowIDs(unknown).isEmpty)
        let badDate = await browser.get("/admin/audit?from=2026-13-45")
        #expect(badDate.status == 422)
        #expect(badDate.text.contains("YYYY-MM-DD"))
        let reversed = await browser.get("/admin/audit?from=2026-11-03&to=2026-11-01")
        #expect(reversed.status == 422)
        let hostile = await browser.get("/admin/audit?action=%3Cscript%3E")
        #expect(hostile.status == 422)
        #expect(!hostile.text.contains("<script>"))
        #expect(hostile.text.contains("value=\"&lt;script&gt;\""))
    }

    @Test("pagination: 50 a page, newest first, every event once, the filters kept in the links")
    func pagination() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        try await Self.seed(app, tenantID: tenant.id, (0..<120).map { _ in Seed() })
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")
        var seen: [String] = []
        var target: String? = "/admin/audit?action=group.updated"
        var pages = 0
        while let next = target {
            let page = await browser.get(next)
            #expect(page.status == 200)
            seen += Self.rowIDs(page)
            target = Self.olderLink(page)
            if let target { #expect(target.contains("action=group.updated")) }
            if pages > 0 { #expect(page.text.contains("Newest events")) }
            pages += 1
            if pages > 5 { break }
        }
        #expect(pages == 3)
        #expect(seen.count == 120)
        #expect(Set(seen).count == 120)
        let numbers = seen.compactMap { Int($0) }
        #expect(numbers == numbers.sorted(by: >), "newest first")
        let bad = await browser.get("/admin/audit?cursor=not-a-cursor")
        #expect(bad.status == 422)
    }

    @Test("hostile details, labels and actions are escaped on the page")
    func escaping() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme")
        try await Self.seed(
            app, tenantID: tenant.id,
            [
                Seed(
                    action: "user.updated", actorLabel: "<img src=x onerror=alert(1)>",
                    targetLabel: "\"><script>alert(2)</script>",
                    details: #"{"name":"<script>alert(3)</script>","note":"a & b"}"#)
            ])
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")
        let page = await browser.get("/admin/audit?action=user.updated")
        #expect(page.status == 200)
        #expect(Self.rowIDs(page).count == 1)
        #expect(!page.text.contains("<script>alert"))
        #expect(!page.text.contains("<img src=x"))
        #expect(page.text.contains("&lt;script&gt;alert(3)&lt;/script&gt;"))
        #expect(page.text.contains("a &amp; b"))
        #expect(page.text.contains("User changed"))
    }

    // MARK: CSV

    /// RFC 4180 records of `text` (quoted fields may hold commas, quotes and line breaks).
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                quoted = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\r", characters.first == "\n" {
                characters.removeFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty { records.append(record + [field]) }
        return records
    }

    @Test("CSV: headers, every event across pages, RFC 4180 quoting, formula cells neutralized, audited")
    func export() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme", plan: "business")
        var seeds = (0..<450).map { _ in Seed() }
        seeds.append(
            Seed(
                action: "user.updated", actorLabel: "@SUM(1+1)", targetLabel: "=HYPERLINK(\"http://evil.example\")",
                details: #"{"name":"Smith, \"Jo\"\nnext line","x":"-2+3"}"#))
        seeds.append(Seed(action: "user.suspended", actorLabel: "+1", targetLabel: "\tTabbed\nline 2"))
        try await Self.seed(app, tenantID: tenant.id, seeds)
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")
        let page = await browser.get("/admin/audit")
        let link = try #require(
            PageHTML.tags("a", in: page.text).first { $0.attributes["download"] != nil }?.attributes["href"])
        #expect(link == "/admin/audit/export.csv")
        let total = try await app.query("SELECT count(*) FROM audit_events WHERE tenant_id = ?", [tenant.id])
            .first?.decode(0, as: Int.self)

        let csv = await browser.get(link)
        #expect(csv.status == 200)
        #expect(csv.headers["Content-Type"] == "text/csv; charset=utf-8")
        let day = String(Timestamp.iso8601(app.clock.now()).prefix(10))
        #expect(csv.headers["Content-Disposition"] == "attachment; filename=\"audit-acme-\(day).csv\"")
        #expect(csv.headers["Cache-Control"] == "no-store")
        #expect(csv.headers["X-Content-Type-Options"] == "nosniff")
        #expect(csv.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'")
        let records = Self.parseCSV(csv.text)
        #expect(records.first?.first == "id")
        #expect(records.count - 1 == total, "every event, not just one page")
        let ids = records.dropFirst().compactMap { Int($0[0]) }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted(by: >))
        #expect(records.allSatisfy { $0.count == 13 })
        #expect(csv.text.hasSuffix("\r\n"))
        #expect(!csv.text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))

        let hostile = try #require(records.first { $0[6] == "user.updated" })
        #expect(hostile[4] == "'@SUM(1+1)")
        #expect(hostile[10] == "'=HYPERLINK(\"http://evil.example\")")
        #expect(hostile[12].contains("Smith, \\\"Jo\\\"\\nnext line"))
        #expect(hostile[1].hasSuffix("Z"))
        #expect(Timestamp.parse(hostile[1]) != nil)
        let suspended = try #require(records.first { $0[6] == "user.suspended" })
        #expect(suspended[4] == "'+1")
        #expect(suspended[10] == "'\tTabbed\nline 2", "a line break inside a quoted field")
        #expect(csv.text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "quotes doubled inside quotes")
        #expect(try await app.auditCount(tenantID: tenant.id, action: "audit.exported") == 1)

        // The filters apply to the export too.
        let userEvents = try await app.query(
            "SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action LIKE 'user.%'", [tenant.id]
        ).first?.decode(0, as: Int.self)
        let filtered = await browser.get("/admin/audit/export.csv?action=user.")
        let rows = Self.parseCSV(filtered.text).dropFirst()
        #expect(rows.count == userEvents)
        #expect(rows.count >= 2)
        #expect(rows.allSatisfy { $0[6].hasPrefix("user.") })
        let invalid = await browser.get("/admin/audit/export.csv?to=yesterday")
        #expect(invalid.status == 422)
    }

    @Test("CSV export needs audit.export: an upgrade hint instead of the link, and a 403 with the reason")
    func exportPlanGate() async throws {
        let app = try await TestApp()
        let (tenant, _) = try await app.makeTenant(slug: "acme", plan: "team")
        let browser = PageClient(app)
        try await browser.signInFully("acme", "owner@acme.test")
        let page = await browser.get("/admin/audit")
        #expect(page.status == 200)
        #expect(!page.text.contains("/admin/audit/export.csv"))
        #expect(page.text.contains("does not include exporting the audit log"))
        let refused = await browser.get("/admin/audit/export.csv")
        #expect(refused.status == 403)
        #expect(refused.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(refused.text.contains("Upgrade to Business or Enterprise"))
        #expect(try await app.auditCount(tenantID: tenant.id, action: "audit.exported") == 0)
    }
}
