public import Foundation
public import HTTPClient
public import Lifecycle
import MandateCore

/// Sends one signed webhook and classifies the answer; shared by the SMS and email handlers.
public final class WebhookDeliverer: Sendable {
    private let client: HTTPClient
    private let endpoints: WebhookEndpoints
    private let clock: any WallClock

    /// A deliverer sending through `client` (connect timeout 5 s, total 15 s, no redirects, by
    /// the client's defaults).
    public init(client: HTTPClient, endpoints: WebhookEndpoints, clock: any WallClock = SystemClock()) {
        self.client = client
        self.endpoints = endpoints
        self.clock = clock
    }

    /// POSTs `body` to `gateway`, signed per Standard Webhooks with `webhookID` (stable across
    /// attempts, so receivers can dedupe) and the current time as `webhook-timestamp`.
    ///
    /// Right before sending it checks that the endpoint is enabled and that `notAfter` has not
    /// passed; a 410 disables the endpoint.
    public func deliver(
        body: [UInt8], webhookID: String, to gateway: WebhookGateway, notAfter: Date?
    ) async -> WebhookDeliveryResult {
        do {
            if let reason = try await endpoints.disabledReason(of: gateway.name) {
                return .failed(
                    error: "webhook endpoint '\(gateway.name)' is disabled (\(reason)); "
                        + "enable it again, then retry the job")
            }
        } catch {
            return .retry(after: nil, error: error.message)
        }
        let now = clock.now()
        if let notAfter, now >= notAfter {
            return .expired
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        headers += StandardWebhooks.headers(id: webhookID, timestamp: now, body: body, secret: gateway.secret)
        let request = HTTPClientRequest(
            method: "POST", url: gateway.url, headers: headers, body: body, timeout: gateway.timeout)
        let result: WebhookDeliveryResult
        do {
            let response = try await client.execute(request)
            result = WebhookResponsePolicy.classify(response, gateway: gateway.name, now: clock.now())
        } catch {
            result = WebhookResponsePolicy.classify(error, gateway: gateway.name)
        }
        if case .gone(let goneError) = result {
            do {
                try await endpoints.disable(gateway.name, reason: goneError)
            } catch {
                // The job is dead-lettered with the 410 anyway; the next 410 tries again.
                return .failed(error: goneError + " (but disabling the endpoint failed: \(error.message))")
            }
        }
        return result
    }
}
