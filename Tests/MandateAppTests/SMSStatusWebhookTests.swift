import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import MandateWeb
import SQLite
import Storage
import Testing

/// `POST /webhooks/sms/status` (SECURITY.md "Webhooks"): signature before parsing, ±5 minutes,
/// rotation, idempotency on `webhook-id`, forward-only status, and an audit event for every
/// refusal, which changes nothing else.
@Suite("SMS status webhook")
struct SMSStatusWebhookTests {
    static let tenantID = "ten_smsstatus"

    @Test("a signed delivery report is applied once and audited in the message's tenant")
    func applied() async throws {
        let harness = try await Harness()
        harness.app.clock.advance(by: 3)
        let response = await harness.status("delivered")
        #expect(response.status == 200)
        #expect(response.string("status") == "applied")
        let state = try await harness.snapshot()
        #expect(state.status == .delivered)
        #expect(state.recordedWebhooks == 1)
        let audits = try await harness.audits(SMSStatusUpdates.appliedAction)
        #expect(audits.count == 1)
        #expect(audits.first?.tenantID == Self.tenantID)
        #expect(audits.first?.details["status"] as? String == "delivered")
        #expect(audits.first?.details["previousStatus"] as? String == "queued")
        #expect(try await harness.rejectionReasons().isEmpty)
    }

    @Test("an error code from the provider is stored with a failure")
    func failureWithErrorCode() async throws {
        let harness = try await Harness()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "undelivered", errorCode: "30003")
        #expect(await harness.post(body).status == 200)
        let stored = try await harness.app.database.read { [messageID = harness.messageID] connection in
            try MessageStore.message(id: messageID, on: connection)
        }
        let message = try #require(stored)
        #expect(message.status == .undelivered)
        #expect(message.errorCode == "30003")
    }

    @Test("missing, bad, too old and too new signatures are 401, audited, and change nothing")
    func badSignatures() async throws {
        let harness = try await Harness()
        let before = try await harness.snapshot()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered")
        let now = harness.app.clock.now()

        let unsigned = await harness.routes.send(.post, "/webhooks/sms/status", body: body)
        var headers = SignedWebhook.headers(id: "evt_1", timestamp: now, body: body, secret: harness.secret)
        headers.removeAll { $0.0 == "webhook-signature" }
        let noSignature = await harness.routes.send(.post, "/webhooks/sms/status", body: body, headers: headers)
        let wrongSecret = await harness.post(body, secret: WebhookSecret.generate())
        let tampered = await harness.routes.send(
            .post, "/webhooks/sms/status",
            body: SignedWebhook.smsStatus(messageID: harness.messageID, status: "failed"),
            headers: SignedWebhook.headers(id: "evt_2", timestamp: now, body: body, secret: harness.secret))
        let tooOld = await harness.post(body, timestamp: now.addingTimeInterval(-301))
        let tooNew = await harness.post(body, timestamp: now.addingTimeInterval(301))

        for response in [unsigned, noSignature, wrongSecret, tampered, tooOld, tooNew] {
            #expect(response.status == 401)
            #expect(response.errorCode == "invalid_signature")
        }
        #expect(try await harness.snapshot() == before)
        #expect(
            try await harness.rejectionReasons() == [
                "missing_header", "missing_header", "bad_signature", "bad_signature", "timestamp_too_old",
                "timestamp_too_new",
            ])
        // Nobody knows whose message an unauthenticated body names: no tenant.
        #expect(try await harness.audits(SMSStatusUpdates.rejectedAction).allSatisfy { $0.tenantID == nil })
        #expect(try await harness.audits(SMSStatusUpdates.appliedAction).isEmpty)
    }

    @Test("timestamps just inside the five-minute tolerance are accepted")
    func toleranceEdges() async throws {
        let harness = try await Harness()
        let now = harness.app.clock.now()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "sent")
        #expect(await harness.post(body, timestamp: now.addingTimeInterval(-299)).status == 200)
        let later = SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered")
        #expect(await harness.post(later, timestamp: now.addingTimeInterval(299)).status == 200)
        #expect(try await harness.snapshot().status == .delivered)
    }

    @Test("during a rotation both secrets verify; once the old one is removed it is refused")
    func rotation() async throws {
        let harness = try await Harness()
        let next = WebhookSecret.generate()
        harness.secrets.current = [next.text, harness.secret.text]
        let oldSigned = await harness.post(
            SignedWebhook.smsStatus(messageID: harness.messageID, status: "sent"), secret: harness.secret)
        #expect(oldSigned.status == 200)
        let newSigned = await harness.post(
            SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered"), secret: next)
        #expect(newSigned.status == 200)
        harness.secrets.current = [next.text]
        let retired = await harness.post(
            SignedWebhook.smsStatus(messageID: harness.messageID, status: "failed"), secret: harness.secret)
        #expect(retired.status == 401)
        #expect(try await harness.snapshot().status == .delivered)
    }

    @Test("a replayed webhook-id is answered 200 and changes nothing again")
    func replay() async throws {
        let harness = try await Harness()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "sent")
        let first = await harness.post(body, id: "evt_replayed")
        #expect(first.string("status") == "applied")
        let afterFirst = try await harness.snapshot()
        harness.app.clock.advance(by: 10)
        let second = await harness.post(body, id: "evt_replayed")
        #expect(second.status == 200)
        #expect(second.string("status") == "duplicate")
        // Even a differently signed body under the same id is not processed twice.
        let third = await harness.post(
            SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered"), id: "evt_replayed")
        #expect(third.string("status") == "duplicate")
        #expect(try await harness.snapshot() == afterFirst)
        #expect(try await harness.audits(SMSStatusUpdates.appliedAction).count == 1)
    }

    @Test("concurrent deliveries of one webhook-id apply it exactly once")
    func concurrentDuplicates() async throws {
        let harness = try await Harness()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered")
        let outcomes = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { await harness.post(body, id: "evt_parallel").string("status") }
            }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "applied" }.count == 1)
        #expect(outcomes.filter { $0 == "duplicate" }.count == 7)
        #expect(try await harness.audits(SMSStatusUpdates.appliedAction).count == 1)
    }

    @Test("status only moves forward: a late 'sent' after 'delivered' is ignored")
    func forwardOnly() async throws {
        let harness = try await Harness()
        #expect(await harness.status("delivered").string("status") == "applied")
        let delivered = try await harness.snapshot()
        harness.app.clock.advance(by: 5)
        let late = await harness.status("sent")
        #expect(late.status == 200)
        #expect(late.string("status") == "ignored")
        let after = try await harness.snapshot()
        #expect(after.status == .delivered)
        #expect(after.updatedAt == delivered.updatedAt)
        // The final answer stays: a 'failed' after 'delivered' is ignored too.
        #expect(await harness.status("failed").string("status") == "ignored")
        #expect(try await harness.snapshot().status == .delivered)
        #expect(try await harness.audits(SMSStatusUpdates.appliedAction).count == 1)
    }

    @Test("an unknown message is 404, audited without a tenant, and not recorded as processed")
    func unknownMessage() async throws {
        let harness = try await Harness()
        let before = try await harness.snapshot()
        let response = await harness.post(SignedWebhook.smsStatus(messageID: "msg_nosuchmessage", status: "delivered"))
        #expect(response.status == 404)
        #expect(response.errorCode == "unknown_message")
        #expect(try await harness.snapshot() == before)
        let audits = try await harness.audits(SMSStatusUpdates.rejectedAction)
        #expect(audits.count == 1)
        #expect(audits.first?.tenantID == nil)
        #expect(audits.first?.details["reason"] as? String == "unknown_message")
    }

    @Test("a validly signed body that is not JSON is 400 and changes nothing")
    func malformedJSON() async throws {
        let harness = try await Harness()
        let before = try await harness.snapshot()
        for body in ["{\"type\": \"sms.status\", ", "[1, 2, 3]", "", "null"] {
            let response = await harness.post(Array(body.utf8))
            #expect(response.status == 400, "\(body)")
            #expect(response.errorCode == "malformed_json")
        }
        #expect(try await harness.snapshot() == before)
        #expect(try await harness.rejectionReasons() == Array(repeating: "malformed_json", count: 4))
    }

    @Test("another event type or an invalid field is 422, audited in the message's tenant")
    func invalidEvents() async throws {
        let harness = try await Harness()
        let before = try await harness.snapshot()
        let otherType = await harness.post(
            SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered", type: "subscription.updated"))
        #expect(otherType.status == 422)
        #expect(otherType.errorCode == "unsupported_event_type")
        let badStatus = await harness.status("read")
        #expect(badStatus.status == 422)
        let noData = await harness.post(Array(#"{"type":"sms.status"}"#.utf8))
        #expect(noData.status == 422)
        #expect(try await harness.snapshot() == before)
        let audits = try await harness.audits(SMSStatusUpdates.rejectedAction)
        #expect(
            audits.map { $0.details["reason"] as? String } == ["unknown_type", "invalid_payload", "invalid_payload"])
        #expect(audits.map(\.tenantID) == [Self.tenantID, Self.tenantID, nil])
    }

    @Test("without a configured secret every request is 503 webhook_not_configured, audited")
    func notConfigured() async throws {
        let harness = try await Harness()
        harness.secrets.current = []
        let before = try await harness.snapshot()
        let response = await harness.status("delivered")
        #expect(response.status == 503)
        #expect(response.errorCode == "webhook_not_configured")
        #expect(try await harness.snapshot() == before)
        #expect(try await harness.rejectionReasons() == ["not_configured"])
    }

    @Test("a malformed configured secret is our fault: 500, audited, nothing applied")
    func misconfiguredSecret() async throws {
        let harness = try await Harness()
        harness.secrets.current = ["not-a-secret"]
        let before = try await harness.snapshot()
        let response = await harness.status("delivered")
        #expect(response.status == 500)
        #expect(response.errorCode == "webhook_misconfigured")
        #expect(try await harness.snapshot() == before)
        #expect(try await harness.rejectionReasons() == ["misconfigured_secret"])
    }

    @Test(
        "a request signed by the reference Python implementation is accepted",
        .enabled(if: PythonSigner.isAvailable, "needs .venv/bin/python with standardwebhooks"))
    func pythonSigned() async throws {
        let harness = try await Harness()
        let body = SignedWebhook.smsStatus(messageID: harness.messageID, status: "delivered")
        let now = harness.app.clock.now()
        let signature = try await PythonSigner.sign(
            id: "evt_python", timestamp: now, body: body, secret: harness.secret.text)
        #expect(signature.hasPrefix("v1,"))
        let response = await harness.routes.send(
            .post, "/webhooks/sms/status", body: body,
            headers: [
                ("webhook-id", "evt_python"), ("webhook-timestamp", String(Int(now.timeIntervalSince1970))),
                ("webhook-signature", signature),
            ])
        #expect(response.status == 200)
        #expect(try await harness.snapshot().status == .delivered)
    }
}
