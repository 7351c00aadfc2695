import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import Synchronization

/// A real HTTP server on 127.0.0.1 answering `POST /webhooks/billing` with a fixed status and
/// recording every request: the far end of `mandate billing send-test-event` in tests.
final class BillingReceiver: Sendable {
    struct Request: Sendable {
        var path: String
        var headers: HTTPHeaders
        var body: [UInt8]
        var receivedAt: Date

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
        var headerMap: [String: String] {
            var map: [String: String] = [:]
            for (name, value) in headers { map[name.lowercased()] = value }
            return map
        }
    }

    /// The requests so far; a class so the route handler and the test share it.
    final class Log: Sendable {
        let entries = Mutex<[Request]>([])
    }

    let server: HTTPServer
    let port: Int
    private let log = Log()

    init(status: Int = 200, answer: String = #"{"outcome":"applied"}"#) throws {
        let log = self.log
        let router = Router<BasicRequestContext>()
        router.post(BillingWebhook.path) { [log] request, _ in
            log.entries.withLock {
                $0.append(
                    Request(path: request.path, headers: request.headers, body: request.body, receivedAt: Date()))
            }
            return .json(bytes: Array(answer.utf8), status: HTTPStatus(code: status))
        }
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoopCount = 1
        server = HTTPServer(
            configuration: configuration, responder: router.makeResponder(),
            logger: Logger(label: "test", level: .critical))
        port = try server.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { log.entries.withLock { $0 } }

    func stop() async { await server.shutdown() }
}

/// Verifies one received request with Python's `standardwebhooks` (the reference implementation),
/// at Python's own clock: the request has just arrived, well inside the tolerance.
enum PythonWebhookCheck {
    private static let script = #"""
        import base64, json, sys
        from standardwebhooks import Webhook
        request = json.loads(sys.stdin.read())
        try:
            Webhook(request["secret"]).verify(base64.b64decode(request["body"]), request["headers"])
            print("ok")
        except Exception as error:
            print("error: %s: %s" % (type(error).__name__, error))
        """#

    /// `ok`, or `error: …` with Python's reason.
    static func verdict(_ request: BillingReceiver.Request, secret: String) async throws -> String {
        let input: [String: Any] = [
            "secret": secret, "headers": request.headerMap, "body": Data(request.body).base64EncodedString(),
        ]
        let data = try JSONSerialization.data(withJSONObject: input)
        return try await PythonSigner.run(["-c", script], input: Array(data)).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}
