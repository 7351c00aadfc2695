import Foundation
public import HTTPServer
public import Lifecycle
import MandateCore
import SQLite
public import Storage

/// `POST /webhooks/sms/status`: the SMS provider's delivery reports (DESIGN.md §4, SECURITY.md
/// "Webhooks").
///
/// The Standard Webhooks signature is verified on the raw body before anything parses it, with
/// every configured secret (several during a rotation) and a ±5 minute timestamp tolerance.
/// Processing is idempotent on `webhook-id` and forward-only, so replays and late or reordered
/// reports change nothing. Every refusal is audited (`webhook.sms_status.rejected`, with
/// `details.reason`) and changes nothing else.
public struct SMSStatusRoutes: Sendable {
    private let updates: SMSStatusUpdates
    private let clock: any WallClock
    private let secrets: @Sendable () -> [String]
    private let logger: Logger

    /// - Parameters:
    ///   - secrets: the `whsec_` secrets currently accepted, asked on every request (so a rotation
    ///     needs no restart when the caller reads them from a reloadable place). Empty means the
    ///     endpoint is not configured: every request is answered 503.
    public init(database: Database, clock: any WallClock, secrets: @escaping @Sendable () -> [String], logger: Logger) {
        self.updates = SMSStatusUpdates(database: database, clock: clock)
        self.clock = clock
        self.secrets = secrets
        self.logger = logger
    }

    /// Registers the route.
    public func register(on router: Router<MandateContext>) {
        router.post("/webhooks/sms/status") { [self] request, _ in
            try await receive(request)
        }
    }

    func receive(_ request: HTTPRequest) async throws -> HTTPResponse {
        let secrets = self.secrets()
        let webhookID = request.headers["webhook-id"].map { String($0.prefix(SMSStatusEvent.maximumFieldLength)) }
        guard !secrets.isEmpty else {
            logger.warning("sms status webhook refused: no secret configured")
            return await refuse(
                .notConfigured,
                HTTPError(
                    .serviceUnavailable, code: "webhook_not_configured",
                    message: "This endpoint has no webhook secret configured."),
                webhookID: webhookID, request: request)
        }
        let verified: VerifiedWebhook
        do {
            // Signature first, on the bytes as received: nothing unauthenticated is parsed.
            verified = try StandardWebhooks.verify(
                body: request.body, headers: { request.headers[$0] }, secrets: secrets, now: clock.now())
        } catch {
            return await refuse(verificationFailure: error, webhookID: webhookID, request: request)
        }
        let event: SMSStatusEvent
        do {
            event = try SMSStatusEvent.parse(request.body)
        } catch {
            let httpError =
                switch error.reason {
                case .malformedJSON: HTTPError.badRequest(error.message, code: "malformed_json")
                case .unknownType: HTTPError.unprocessable(error.message, code: "unsupported_event_type")
                default: HTTPError.unprocessable(error.message)
                }
            return await refuse(
                error.reason, httpError, webhookID: verified.id, messageID: error.messageID, request: request)
        }
        let callback = SMSStatusCallback(
            webhookID: verified.id, messageID: event.messageID, status: event.status, errorCode: event.errorCode)
        switch try await updates.apply(callback, ipAddress: request.clientAddress) {
        case .applied:
            logger.debug(
                "sms status applied",
                ["messageId": .string(event.messageID), "status": .string(event.status.rawValue)])
            return Self.status("applied")
        case .ignoredStale:
            return Self.status("ignored")
        case .duplicate:
            return Self.status("duplicate")
        case .unknownMessage:
            // Audited inside the same transaction by `apply`.
            logger.notice(
                "sms status webhook refused", ["reason": "unknown_message", "webhookId": .string(verified.id)])
            return HTTPError.notFound("No message has id '\(event.messageID)'.", code: "unknown_message").response
        }
    }

    private func refuse(
        verificationFailure error: WebhookVerificationError, webhookID: String?, request: HTTPRequest
    ) async -> HTTPResponse {
        let reason: SMSStatusRejection
        switch error.reason {
        case .missingHeader: reason = .missingHeader
        case .badTimestamp: reason = .badTimestamp
        case .timestampTooOld: reason = .timestampTooOld
        case .timestampTooNew: reason = .timestampTooNew
        case .noMatchingSignature: reason = .badSignature
        case .malformedSecret:
            // Our configuration is broken, not the sender's request: a 500 the provider retries.
            logger.error("sms status webhook secret is unusable", ["error": .string(error.message)])
            return await refuse(
                .misconfiguredSecret,
                HTTPError(
                    .internalServerError, code: "webhook_misconfigured",
                    message: "The webhook secret of this endpoint is misconfigured."),
                webhookID: webhookID, request: request)
        }
        return await refuse(
            reason, HTTPError.unauthorized(error.message, code: "invalid_signature"), webhookID: webhookID,
            request: request)
    }

    /// Audits the refusal and answers `error`. A failing audit write is logged but does not change
    /// the answer: the request is refused either way.
    private func refuse(
        _ reason: SMSStatusRejection, _ error: HTTPError, webhookID: String?, messageID: String? = nil,
        request: HTTPRequest
    ) async -> HTTPResponse {
        var fields: [String: LogValue] = ["reason": .string(reason.rawValue), "status": .int(error.status.code)]
        if let webhookID { fields["webhookId"] = .string(webhookID) }
        logger.notice("sms status webhook refused", fields)
        do {
            try await updates.recordRejection(
                reason, detail: error.message, webhookID: webhookID, messageID: messageID,
                ipAddress: request.clientAddress)
        } catch {
            logger.error("cannot audit a refused sms status webhook", ["error": .string(error.message)])
        }
        return error.response
    }

    private static func status(_ value: String) -> HTTPResponse {
        .json(bytes: Array("{\"status\":\"\(value)\"}".utf8))
    }
}
