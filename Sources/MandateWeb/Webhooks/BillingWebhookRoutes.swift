import Foundation
public import HTTPServer
public import Lifecycle
public import MandateCore

/// `POST /webhooks/billing`: subscription changes from the billing system (DESIGN.md §4, SECURITY.md
/// "Webhooks").
///
/// The Standard Webhooks signature is verified on the raw body before anything parses it, with every
/// configured secret (several during a rotation) and a ±5 minute tolerance. Processing is idempotent
/// on `webhook-id`, and an event older than the last one applied for its tenant changes nothing.
/// Every request is kept in the event history with its outcome (applied, duplicate, stale, or
/// rejected and why).
///
/// | answer | when |
/// |---|---|
/// | 200 `{"status": "applied", "lifted": […]}` | the subscription changed |
/// | 200 `{"status": "duplicate"}` / `{"status": "stale"}` | nothing changed |
/// | 400 `malformed_event` | not JSON, or a required field missing or of the wrong type |
/// | 401 `invalid_signature` | missing or bad signature, timestamp outside ±5 min |
/// | 404 `unknown_tenant` | no organization has the id or handle |
/// | 422 `unknown_plan`, `unsupported_event_type`, `validation_failed` | a value is not acceptable |
/// | 503 `webhook_not_configured` | no secret is configured |
public struct BillingWebhookRoutes: Sendable {
    private let billing: BillingService
    private let clock: any WallClock
    private let secrets: @Sendable () -> [String]
    private let logger: Logger

    /// - Parameter secrets: the `whsec_` secrets accepted now, asked on every request; empty means
    ///   the endpoint is not configured (503).
    public init(
        billing: BillingService, clock: any WallClock, secrets: @escaping @Sendable () -> [String], logger: Logger
    ) {
        self.billing = billing
        self.clock = clock
        self.secrets = secrets
        self.logger = logger
    }

    public func register(on router: Router<MandateContext>) {
        router.post(BillingWebhook.path) { [self] request, _ in
            try await receive(request)
        }
    }

    func receive(_ request: HTTPRequest) async throws -> HTTPResponse {
        let webhookID = request.headers["webhook-id"].map { String($0.prefix(BillingEvent.maximumFieldLength)) }
        let secrets = self.secrets()
        guard !secrets.isEmpty else {
            return await refuse(
                "not_configured",
                HTTPError(
                    .serviceUnavailable, code: "webhook_not_configured",
                    message: "This endpoint has no webhook secret configured (\(BillingWebhook.secretVariable))."),
                webhookID: webhookID)
        }
        let verified: VerifiedWebhook
        do {
            verified = try StandardWebhooks.verify(
                body: request.body, headers: { request.headers[$0] }, secrets: secrets, now: clock.now())
        } catch {
            if error.reason == .malformedSecret {
                logger.error("billing webhook secret is unusable", ["error": .string(error.message)])
                return await refuse(
                    "misconfigured_secret",
                    HTTPError(
                        .internalServerError, code: "webhook_misconfigured",
                        message: "The webhook secret of this endpoint is misconfigured."),
                    webhookID: webhookID)
            }
            let reason =
                switch error.reason {
                case .missingHeader: "missing_header"
                case .badTimestamp: "bad_timestamp"
                case .timestampTooOld: "timestamp_too_old"
                case .timestampTooNew: "timestamp_too_new"
                default: "bad_signature"
                }
            return await refuse(
                reason, HTTPError.unauthorized(error.message, code: "invalid_signature"), webhookID: webhookID)
        }
        let event: BillingEvent
        do {
            event = try BillingEvent.parse(request.body)
        } catch {
            let httpError =
                switch error.reason {
                case .malformed: HTTPError.badRequest(error.message, code: "malformed_event")
                case .unsupportedType: HTTPError.unprocessable(error.message, code: "unsupported_event_type")
                case .invalid: HTTPError.unprocessable(error.message)
                }
            return await refuse(
                error.reason.rawValue, httpError, webhookID: verified.id, type: error.type, tenant: error.tenant)
        }
        switch try await billing.receive(event, webhookID: verified.id) {
        case .applied(let tenantID, let lifted):
            logger.info(
                "billing event applied",
                [
                    "tenantId": .string(tenantID), "type": .string(event.type.rawValue),
                    "lifted": .string(lifted.map(\.rawValue).joined(separator: ",")),
                ])
            var writer = JSONWriter()
            writer.object { json in
                json.field("lifted", lifted.map(\.rawValue))
                json.field("status", "applied")
            }
            return .json(bytes: writer.bytes)
        case .duplicate:
            return Self.status("duplicate")
        case .stale:
            return Self.status("stale")
        case .unknownTenant:
            return HTTPError.notFound(
                "No organization has the id or handle '\(event.tenant)'.", code: "unknown_tenant"
            ).response
        case .unknownPlan(let plan):
            return HTTPError.unprocessable("There is no plan '\(plan)'.", code: "unknown_plan").response
        }
    }

    /// Keeps the refusal in the event history and answers `error`. A failing write is logged and
    /// does not change the answer.
    private func refuse(
        _ reason: String, _ error: HTTPError, webhookID: String?, type: String? = nil, tenant: String? = nil
    ) async -> HTTPResponse {
        var fields: [String: LogValue] = ["reason": .string(reason), "status": .int(error.status.code)]
        if let webhookID { fields["webhookId"] = .string(webhookID) }
        logger.notice("billing webhook refused", fields)
        do {
            try await billing.recordRejection(
                reason: reason, detail: error.message, webhookID: webhookID, type: type, tenant: tenant)
        } catch {
            logger.error("cannot record a refused billing webhook", ["error": .string(error.message)])
        }
        return error.response
    }

    private static func status(_ value: String) -> HTTPResponse {
        .json(bytes: Array("{\"status\":\"\(value)\"}".utf8))
    }
}
