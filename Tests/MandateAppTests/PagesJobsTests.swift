import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import MandateJobs
import SQLite
import Storage
import Testing

/// The organization's jobs page (`/admin/jobs`) and the retry of a dead job.
@Suite("Pages: jobs")
struct PagesJobsTests {
    /// Something that must never reach a page: payloads hold SMS codes and email bodies.
    static let secret = "SECRET-PAYLOAD-739184"

    /// Enqueues a job for `tenantID` with the secret in its payload; returns its id.
    static func enqueue(
        _ app: TestApp, tenantID: String, kind: String = JobKind.emailSend, notAfter: Date? = nil
    ) async throws -> Int64 {
        let job = try NewJob(
            kind: kind, payloadJSON: Array(#"{"body":"Your code is \#(secret)"}"#.utf8), notAfter: notAfter,
            tenantID: tenantID)
        return try #require(try await app.application.jobQueue.enqueue(job))
    }

    /// Makes job `id` dead, as a permanent failure would.
    static func kill(_ app: TestApp, _ id: Int64) async throws {
        let now = app.clock.now()
        _ = try await app.database.write { connection in
            try connection.run(
                """
                UPDATE jobs SET state = 'dead', dead_reason = 'failed', attempts = 1,
                    last_error = 'gateway answered 400 <b>bad</b>', finished_at = ?, updated_at = ?
                WHERE id = ?
                """, now, now, id)
        }
    }

    static func state(_ app: TestApp, _ id: Int64) async throws -> String? {
        try await app.query("SELECT state FROM jobs WHERE id = ?", [id]).first?.decode(0, as: String.self)
    }

    /// Acme with a dead, a retrying and a queued job; Globex with a dead job.
    struct Fixture {
        let app: TestApp
        let owner: PageClient
        let dead: Int64
        let retrying: Int64
        let queued: Int64
        let foreign: Int64
    }

    static func fixture() async throws -> Fixture {
        let app = try await TestApp()
        let (acme, _) = try await app.makeTenant(slug: "acme")
        let (globex, _) = try await app.makeTenant(slug: "globex")
        let dead = try await enqueue(app, tenantID: acme.id)
        try await kill(app, dead)
        let retrying = try await enqueue(app, tenantID: acme.id, kind: JobKind.smsSend)
        _ = try await app.database.write { connection in
            try connection.run(
                """
                UPDATE jobs SET attempts = 2,
                    last_error = 'HTTP 503 from webhook endpoint ''sms'': echo: code 482913, see /i?t=Zm9vYmFyYmF6cXV4cXV1eA'
                WHERE id = ?
                """, retrying)
        }
        let queued = try await enqueue(app, tenantID: acme.id)
        let foreign = try await enqueue(app, tenantID: globex.id)
        try await kill(app, foreign)
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        return Fixture(app: app, owner: owner, dead: dead, retrying: retrying, queued: queued, foreign: foreign)
    }

    @Test("the page lists only the organization's jobs, with counts, errors and reasons, never a payload")
    func ownJobsOnly() async throws {
        let fixture = try await Self.fixture()
        let page = await fixture.owner.get("/admin/jobs")
        #expect(page.status == 200)
        #expect(page.text.contains("href=\"/admin/jobs\">Jobs</a>"))
        let rows = PageHTML.tags("tr", in: page.text).compactMap { $0.attributes["data-id"] }
        #expect(rows.contains(String(fixture.dead)))
        #expect(rows.contains(String(fixture.retrying)))
        #expect(!rows.contains(String(fixture.foreign)), "another organization's job")
        #expect(!rows.contains(String(fixture.queued)), "a queued job that never failed is only counted")
        #expect(!page.text.contains(Self.secret))
        #expect(!page.text.contains("Your code is"))
        #expect(page.text.contains("gateway answered 400 &lt;b&gt;bad&lt;/b&gt;"))
        #expect(page.text.contains("HTTP 503 from webhook endpoint"), "the last error of a retrying job")
        #expect(!page.text.contains("482913"), "a code echoed by the gateway is redacted")
        #expect(!page.text.contains("Zm9vYmFyYmF6cXV4cXV1eA"), "a token echoed by the gateway is redacted")
        #expect(page.text.contains("Failed permanently"))
        #expect(page.text.contains("<div class=\"job-count job-count--dead\"><dt>Dead</dt><dd>1</dd></div>"))
        #expect(
            page.text.contains("<div class=\"job-count job-count--retrying\"><dt>Waiting for a retry</dt><dd>1</dd>"))
        let form = try #require(PageHTML.form("/admin/jobs/\(fixture.dead)/retry", in: page.text))
        #expect(!form.contains("disabled"))
        #expect(PageHTML.form("/admin/jobs/\(fixture.foreign)/retry", in: page.text) == nil)
    }

    @Test("retrying a dead job queues it again; another tenant's job is a 404, a live one a 409")
    func retry() async throws {
        let fixture = try await Self.fixture()
        let app = fixture.app
        let page = await fixture.owner.get("/admin/jobs")
        let retried = try await fixture.owner.submit("/admin/jobs/\(fixture.dead)/retry", on: page)
        #expect(retried.status == 303)
        #expect(retried.headers["Location"] == "/admin/jobs")
        let after = try await fixture.owner.follow(retried)
        #expect(after.text.contains("The job is back in the queue"))
        #expect(try await Self.state(app, fixture.dead) == "queued")
        let attempts = try await app.query("SELECT attempts FROM jobs WHERE id = ?", [fixture.dead])
        #expect(try attempts.first?.decode(0, as: Int.self) == 0)

        let token = try #require(
            try PageHTML.hiddenFields(of: "/admin/jobs/\(fixture.dead)/retry", in: page.text).first { $0.0 == "csrf" }
        )
        let foreign = await fixture.owner.post("/admin/jobs/\(fixture.foreign)/retry", [token])
        #expect(foreign.status == 404)
        #expect(try await Self.state(app, fixture.foreign) == "dead")
        #expect(!foreign.text.contains(Self.secret))

        let live = await fixture.owner.post("/admin/jobs/\(fixture.queued)/retry", [token])
        #expect(live.status == 409)
        #expect(live.text.contains("Only dead jobs can be retried"))
        let again = await fixture.owner.post("/admin/jobs/\(fixture.dead)/retry", [token])
        #expect(again.status == 409)
        #expect(await fixture.owner.post("/admin/jobs/abc/retry", [token]).status == 404)
        #expect(await fixture.owner.post("/admin/jobs/999999/retry", [token]).status == 404)
    }

    @Test("members get a 403 page and cannot retry")
    func members() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app.makeUser(tenant: "acme", email: "ada@acme.test")
        let member = PageClient(fixture.app)
        try await member.signInFully("acme", "ada@acme.test")
        let account = await member.get("/account")
        #expect(!account.text.contains("href=\"/admin/jobs\""))
        let token = try #require(
            try PageHTML.hiddenFields(of: "/sign-out", in: account.text).first { $0.0 == "csrf" })
        #expect(await member.get("/admin/jobs").status == 403)
        let refused = await member.post("/admin/jobs/\(fixture.dead)/retry", [token])
        #expect(refused.status == 403)
        #expect(try await Self.state(fixture.app, fixture.dead) == "dead")
    }

    @Test("a retried SMS whose code has expired is not delivered: the next claim dead-letters it as expired")
    func expiredSMS() async throws {
        let app = try await TestApp()
        let (acme, _) = try await app.makeTenant(slug: "acme")
        let sms = try await Self.enqueue(
            app, tenantID: acme.id, kind: JobKind.smsSend, notAfter: app.clock.now().addingTimeInterval(600))
        try await Self.kill(app, sms)
        app.clock.advance(by: 700)
        let owner = PageClient(app)
        try await owner.signInFully("acme", "owner@acme.test")
        let retried = try await owner.submit("/admin/jobs/\(sms)/retry", on: await owner.get("/admin/jobs"))
        #expect(retried.status == 303)
        #expect(try await Self.state(app, sms) == "queued")
        let batch = try await app.application.jobQueue.claim(
            owner: "test", limit: 100, leaseDuration: .seconds(60), handlers: .empty)
        #expect(!batch.jobs.contains { $0.id == sms })
        #expect(batch.expired.contains { $0.id == sms })
        let row = try await app.query("SELECT state, dead_reason FROM jobs WHERE id = ?", [sms]).first
        #expect(try row?.decode(0, as: String.self) == "dead")
        #expect(try row?.decode(1, as: String.self) == "expired")
    }
}
