import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import MandateWeb
import SQLite
import Storage
import Testing

/// The dev outbox (DESIGN.md §5): signed SMS and email webhooks to `/dev/outbox/*` are verified
/// and recorded, and shown newest first on an HTML page (escaped) and as JSON.
@Suite("Dev outbox")
struct DevOutboxTests {
    struct Harness {
        let app: TestApp
        let routes: RouteHarness
        let secrets: (sms: WebhookSecret, email: WebhookSecret)

        init() async throws {
            app = try await TestApp()
            let (database, clock, templates) = (app.database, app.clock, app.environment.templates)
            routes = RouteHarness { router in
                DevOutboxRoutes(
                    database: database, clock: clock, templates: templates,
                    logger: Logger(label: "test", level: .critical)
                ).register(on: router)
            }
            secrets = try await DevOutboxSecrets.load(database: database)
        }

        /// Posts an `sms.send` event as the SMS delivery job does.
        func sendSMS(to: String, body: String, secret: WebhookSecret? = nil) async -> TestApp.Response {
            let data: [String: Any] = ["messageId": "msg_\(UUID().uuidString.prefix(8))", "to": to, "body": body]
            return await post("sms", event(type: "sms.send", data: data), secret: secret ?? secrets.sms)
        }

        /// Posts an `email.send` event as the email delivery job does.
        func sendEmail(to: String, subject: String, text: String, html: String) async -> TestApp.Response {
            let data: [String: Any] = [
                "messageId": "msg_\(UUID().uuidString.prefix(8))", "to": to, "subject": subject, "text": text,
                "html": html, "tenantId": "ten_demo",
            ]
            return await post("email", event(type: "email.send", data: data), secret: secrets.email)
        }

        func post(_ channel: String, _ body: [UInt8], secret: WebhookSecret) async -> TestApp.Response {
            let headers = SignedWebhook.headers(
                id: SignedWebhook.newID(), timestamp: app.clock.now(), body: body, secret: secret)
            return await routes.send(.post, "/dev/outbox/\(channel)", body: body, headers: headers)
        }

        func event(type: String, data: [String: Any]) -> [UInt8] {
            let object: [String: Any] = ["type": type, "timestamp": "2026-01-01T00:00:00Z", "data": data]
            return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
        }

        /// `data` of `GET /dev/outbox.json…`.
        func entries(_ query: String = "") async -> [[String: Any]] {
            await routes.send(.get, "/dev/outbox.json" + query).items
        }
    }

    @Test("a correctly signed SMS is recorded as valid and listed with its code")
    func validSMS() async throws {
        let harness = try await Harness()
        let response = await harness.sendSMS(
            to: "+15550100", body: "Your Mandate code is 493021. It expires in 10 minutes.")
        #expect(response.status == 200)
        #expect(response.string("status") == "recorded")
        let entry = try #require(await harness.entries().first)
        #expect(entry["channel"] as? String == "sms")
        #expect(entry["to"] as? String == "+15550100")
        #expect(entry["code"] as? String == "493021")
        #expect(entry["signatureValid"] as? Bool == true)
        #expect(entry["signatureError"] is NSNull)
        #expect(entry["type"] as? String == "sms.send")
    }

    @Test("a badly signed request is still recorded, marked invalid, and answered 401")
    func invalidSignature() async throws {
        let harness = try await Harness()
        let wrongSecret = await harness.sendSMS(to: "+15550101", body: "Code 111111", secret: WebhookSecret.generate())
        #expect(wrongSecret.status == 401)
        #expect(wrongSecret.errorCode == "invalid_signature")
        let unsigned = await harness.routes.send(.post, "/dev/outbox/email", body: Array("not even json".utf8))
        #expect(unsigned.status == 401)
        let entries = await harness.entries()
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0["signatureValid"] as? Bool == false })
        #expect((entries[0]["signatureError"] as? String)?.contains("webhook-id") == true)
        #expect(entries[0]["payload"] as? String == "not even json")
        #expect(entries[1]["to"] as? String == "+15550101")
        let page = await harness.routes.send(.get, "/dev/outbox")
        #expect(page.text.contains("✗ signature invalid"))
        #expect(page.text.contains("<strong>2</strong> with a bad signature"))
    }

    @Test("the secrets are created once and stay the same")
    func stableSecrets() async throws {
        let harness = try await Harness()
        let again = try await DevOutboxSecrets.load(database: harness.app.database)
        #expect(again.sms.text == harness.secrets.sms.text)
        #expect(again.email.text == harness.secrets.email.text)
        #expect(harness.secrets.sms.text != harness.secrets.email.text)
        #expect(harness.secrets.sms.text.hasPrefix("whsec_"))
        // Each channel verifies with its own secret only.
        let crossed = await harness.post(
            "email", harness.event(type: "email.send", data: ["to": "a@b.test"]), secret: harness.secrets.sms)
        #expect(crossed.status == 401)
    }

    @Test("messages are listed newest first, on the page and in the JSON")
    func newestFirst() async throws {
        let harness = try await Harness()
        for index in 1...3 {
            #expect(await harness.sendSMS(to: "+1555000\(index)", body: "Code 00000\(index)").status == 200)
            harness.app.clock.advance(by: 1)
        }
        #expect(await harness.sendEmail(to: "ada@example.test", subject: "Welcome", text: "Hi", html: "").status == 200)
        let recipients = await harness.entries().map { $0["to"] as? String }
        #expect(recipients == ["ada@example.test", "+15550003", "+15550002", "+15550001"])
        #expect(
            await harness.entries("?channel=sms&limit=2").map { $0["to"] as? String } == ["+15550003", "+15550002"])
        let page = await harness.routes.send(.get, "/dev/outbox").text
        let positions = ["ada@example.test", "+15550003", "+15550002", "+15550001"].map {
            page.range(of: $0)?.lowerBound
        }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! })
        #expect(await harness.routes.send(.get, "/dev/outbox.json?channel=fax").status == 422)
    }

    @Test("a hostile SMS body and recipient are HTML-escaped on the page")
    func escaping() async throws {
        let harness = try await Harness()
        let hostile = "<script>alert(1)</script> \" onmouseover=\"x\" <img src=x onerror=alert(2)>"
        #expect(await harness.sendSMS(to: "<b>+1555</b>", body: hostile).status == 200)
        #expect(
            await harness.sendEmail(
                to: "eve@example.test", subject: "<script>alert(3)</script>", text: "</pre><script>alert(4)</script>",
                html: "<p>hi</p>"
            ).status == 200)
        let page = await harness.routes.send(.get, "/dev/outbox")
        #expect(page.status == 200)
        #expect(!page.text.contains("<script"))
        #expect(!page.text.contains("<img"))
        #expect(!page.text.contains("<b>+1555"))
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.text.contains("&lt;script&gt;alert(3)&lt;/script&gt;"))
        #expect(page.text.contains("&lt;/pre&gt;&lt;script&gt;alert(4)"))
    }

    @Test("the page has a title, counts, a refresh hint, and a policy that allows only its own style")
    func pageRenders() async throws {
        let harness = try await Harness()
        let empty = await harness.routes.send(.get, "/dev/outbox")
        #expect(empty.status == 200)
        #expect(empty.text.contains("Nothing has arrived yet"))
        _ = await harness.sendSMS(to: "+15550100", body: "Your code is 246810")
        _ = await harness.sendEmail(
            to: "ada@example.test", subject: "You are invited", text: "Set your password", html: "<p>Set it</p>")
        let page = await harness.routes.send(.get, "/dev/outbox")
        #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<title>Dev outbox (2) · Mandate</title>"))
        #expect(page.text.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(page.text.contains("<strong>1</strong> SMS"))
        #expect(page.text.contains("<strong>1</strong> emails"))
        #expect(page.text.contains("<p class=\"code\">246810</p>"))
        #expect(page.text.contains("You are invited"))
        #expect(page.text.contains("✓ signature valid"))
        #expect(!page.text.contains("with a bad signature"))
        let link = try #require(await harness.entries().first?["id"] as? Int).description
        #expect(page.text.contains("href=\"/dev/outbox/\(link)/html\""))
        // The CSP allows exactly the page's own <style> by hash, and no script at all.
        let policy = try #require(page.headers["Content-Security-Policy"])
        let text = page.text
        let open = try #require(text.range(of: "<style>"))
        let close = try #require(text.range(of: "</style>"))
        let digest = Data(Digest.sha256(Array(text[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
        #expect(policy.contains("style-src 'sha256-\(digest)'"))
        #expect(policy.contains("default-src 'self'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(!text.contains("<script"))
        #expect(!text.contains(" style=\""))
    }

    @Test("an email's HTML part is served inert, and only for emails")
    func emailHTML() async throws {
        let harness = try await Harness()
        _ = await harness.sendEmail(
            to: "ada@example.test", subject: "Hi", text: "Hi",
            html: "<p style=\"color:red\">Hello</p><script>alert(1)</script>")
        _ = await harness.sendSMS(to: "+15550100", body: "Code 123456")
        let entries = await harness.entries()
        let smsID = try #require(entries[0]["id"] as? Int)
        let emailID = try #require(entries[1]["id"] as? Int)
        let html = await harness.routes.send(.get, "/dev/outbox/\(emailID)/html")
        #expect(html.status == 200)
        #expect(html.text.contains("<p style=\"color:red\">Hello</p>"))
        let policy = try #require(html.headers["Content-Security-Policy"])
        #expect(policy.hasPrefix("default-src 'none'"))
        #expect(policy.contains("sandbox"))
        #expect(!policy.contains("script-src"))
        #expect(await harness.routes.send(.get, "/dev/outbox/\(smsID)/html").status == 404)
        #expect(await harness.routes.send(.get, "/dev/outbox/999999/html").status == 404)
        #expect(await harness.routes.send(.get, "/dev/outbox/abc/html").status == 404)
    }

    @Test("only the newest 500 requests are kept")
    func retention() async throws {
        let harness = try await Harness()
        let now = harness.app.clock.now()
        let total = DevOutboxStore.retainedCount + 7
        try await harness.app.database.write { connection in
            for index in 0..<total {
                _ = try DevOutboxStore.receive(
                    channel: .sms, body: Array("{\"n\":\(index)}".utf8), headers: { _ in nil }, on: connection, now: now
                )
            }
        }
        let counts = try await harness.app.database.read { connection in try DevOutboxStore.counts(on: connection) }
        #expect(counts.sms == DevOutboxStore.retainedCount)
        #expect(counts.invalid == DevOutboxStore.retainedCount)
        let newest = try #require(await harness.entries("?limit=1").first)
        #expect(newest["payload"] as? String == "{\"n\":\(total - 1)}")
        let oldest = try #require(await harness.entries("?limit=500").last)
        #expect(oldest["payload"] as? String == "{\"n\":7}")
    }
}
