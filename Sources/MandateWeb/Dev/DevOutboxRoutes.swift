import Foundation
public import HTMLTemplates
public import HTTPServer
public import Lifecycle
import MandateCore
import SQLite
public import Storage

/// The dev outbox (DESIGN.md §5): in dev and demo mode the SMS and email gateway webhooks point
/// at this server, which verifies their signatures and records what arrived, and a plain page
/// lists it newest first so that a person can read SMS codes and emails without any external
/// service.
///
/// Register these routes only in dev or demo mode: the page shows one-time codes to anyone who
/// can reach the server.
///
/// - `POST /dev/outbox/sms`, `POST /dev/outbox/email`: receive a signed `sms.send` /
///   `email.send` webhook. Recorded either way; 200 when the signature verifies, 401 otherwise.
/// - `GET /dev/outbox`: the page (`Templates/pages/dev-outbox.html`).
/// - `GET /dev/outbox.json?channel=sms|email&limit=N`: the same, for tests and scripts.
/// - `GET /dev/outbox/{id}/html`: an email's HTML part, inert (see
///   ``DevOutboxPage/emailContentSecurityPolicy``).
public struct DevOutboxRoutes: Sendable {
    private let database: Database
    private let clock: any WallClock
    private let templates: TemplateLibrary
    private let logger: Logger

    /// The page shows this many entries; the JSON up to ``DevOutboxStore/retainedCount``.
    static let pageSize = 100

    /// Routes on `database` (migrated with `DevOutboxSchema`), rendering with `templates`.
    public init(database: Database, clock: any WallClock, templates: TemplateLibrary, logger: Logger) {
        self.database = database
        self.clock = clock
        self.templates = templates
        self.logger = logger
    }

    /// Registers the routes.
    public func register(on router: Router<MandateContext>) {
        if templates.template(named: DevOutboxPage.templateName) == nil {
            logger.error("the dev outbox page template is missing", ["template": .string(DevOutboxPage.templateName)])
        }
        for channel in MessageChannel.allCases {
            router.post("/dev/outbox/\(channel.rawValue)") { [self] request, _ in
                try await receive(request, channel: channel)
            }
        }
        router.get("/dev/outbox") { [self] _, _ in try await page() }
        router.get("/dev/outbox.json") { [self] request, _ in try await list(request) }
        router.get("/dev/outbox/:id/html") { [self] _, context in
            try await emailHTML(id: try context.route.parameters.require("id", as: Int64.self))
        }
    }

    private func receive(_ request: HTTPRequest, channel: MessageChannel) async throws -> HTTPResponse {
        let clock = self.clock
        let body = request.body
        let headers = request.headers
        let receipt = try await database.write { connection in
            try DevOutboxStore.receive(
                channel: channel, body: body, headers: { headers[$0] }, on: connection, now: clock.now())
        }
        guard receipt.signatureValid else {
            let reason = receipt.signatureError ?? "the signature does not verify"
            logger.warning(
                "dev outbox received a request with a bad signature",
                ["channel": .string(channel.rawValue), "error": .string(reason)])
            return HTTPError.unauthorized("Recorded as invalid: \(reason)", code: "invalid_signature").response
        }
        return .json(bytes: Array("{\"id\":\(receipt.id),\"status\":\"recorded\"}".utf8))
    }

    private func page() async throws -> HTTPResponse {
        let (entries, counts) = try await database.read { connection in
            (
                try DevOutboxStore.listNewestFirst(limit: Self.pageSize, on: connection),
                try DevOutboxStore.counts(on: connection)
            )
        }
        let html = try templates.render(
            DevOutboxPage.templateName, DevOutboxPage.context(entries: entries, counts: counts, now: clock.now()))
        var response = HTTPResponse.html(html)
        response.headers.add(name: "Content-Security-Policy", value: DevOutboxPage.contentSecurityPolicy(for: html))
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }

    private func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        let parameters = request.queryParameters
        var channel: MessageChannel?
        if let name = parameters["channel"] {
            guard let value = MessageChannel(rawValue: name) else {
                throw HTTPError.unprocessable("Query parameter 'channel' must be sms or email.")
            }
            channel = value
        }
        var limit = Self.pageSize
        if let raw = parameters["limit"] {
            guard let number = Int(raw), (1...DevOutboxStore.retainedCount).contains(number) else {
                throw HTTPError.unprocessable(
                    "Query parameter 'limit' must be a whole number from 1 to \(DevOutboxStore.retainedCount).")
            }
            limit = number
        }
        let (entries, counts) = try await database.read { [channel, limit] connection in
            (
                try DevOutboxStore.listNewestFirst(channel: channel, limit: limit, on: connection),
                try DevOutboxStore.counts(on: connection)
            )
        }
        var response = HTTPResponse.json(DevOutboxListJSON(entries: entries, counts: counts))
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }

    /// Serves the HTML part as HTML, because seeing the email as its recipient would is the point
    /// of the page, under a policy that makes it inert: nothing loads, nothing runs, and the
    /// sandbox gives it an opaque origin.
    private func emailHTML(id: Int64) async throws -> HTTPResponse {
        let entry = try await database.read { connection in try DevOutboxStore.entry(id: id, on: connection) }
        guard let entry, entry.channel == .email, let html = entry.message?.html, !html.isEmpty else {
            throw HTTPError.notFound("No email with an HTML part has id \(id).")
        }
        var response = HTTPResponse.html(html)
        response.headers.add(name: "Content-Security-Policy", value: DevOutboxPage.emailContentSecurityPolicy)
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }
}
