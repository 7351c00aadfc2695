import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import MandateWeb
import SQLite
import Storage
import Synchronization

/// A mutable list of accepted webhook secrets, read by the routes on every request (rotation).
final class SecretList: Sendable {
    private let secrets: Mutex<[String]>

    init(_ secrets: [String]) { self.secrets = Mutex(secrets) }

    var current: [String] {
        get { secrets.withLock { $0 } }
        set { secrets.withLock { $0 = newValue } }
    }
}

/// Signed webhook requests for route tests.
enum SignedWebhook {
    /// Headers of a Standard Webhooks request signed with `secret` at `timestamp`.
    static func headers(id: String, timestamp: Date, body: [UInt8], secret: WebhookSecret) -> [(String, String)] {
        StandardWebhooks.headers(id: id, timestamp: timestamp, body: body, secret: secret).map { ($0.name, $0.value) }
    }

    /// The JSON body of an `sms.status` event.
    static func smsStatus(messageID: String, status: String, errorCode: String? = nil, type: String = "sms.status")
        -> [UInt8]
    {
        var data: [String: Any] = ["messageId": messageID, "status": status]
        if let errorCode { data["errorCode"] = errorCode }
        let object: [String: Any] = ["type": type, "timestamp": "2026-01-01T00:00:00Z", "data": data]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// A fresh `webhook-id`.
    static func newID() -> String { "evt_" + UUID().uuidString.lowercased() }
}

/// A router holding only the routes under test, answering in-process.
struct RouteHarness: Sendable {
    let responder: RouterResponder<MandateContext>

    init(register: (Router<MandateContext>) -> Void) {
        let router = Router<MandateContext>()
        router.add(middleware: SecurityHeadersMiddleware())
        register(router)
        responder = router.makeResponder(logger: Logger(label: "test", level: .critical))
    }

    func send(
        _ method: HTTPMethod, _ target: String, body: [UInt8] = [], headers: [(String, String)] = []
    ) async -> TestApp.Response {
        let response = await responder.respond(
            to: HTTPRequest(
                method: method, target: target, headers: HTTPHeaders(headers), body: body,
                clientAddress: "203.0.113.9"))
        return TestApp.Response(status: response.status.code, headers: response.headers, body: response.body)
    }
}
