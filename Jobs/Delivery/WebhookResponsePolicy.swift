import Foundation
import HTTPClient

/// The response rules of outbound webhooks (DESIGN.md §4, SECURITY.md "Webhooks").
enum WebhookResponsePolicy {
    /// How much of an error response's body is kept in the job's last error.
    static let bodyExcerptLength = 200

    /// Classifies a response.
    ///
    /// - 2xx: delivered.
    /// - 410: gone; the endpoint is disabled until an operator enables it.
    /// - 429, 5xx: retry, honouring `Retry-After` (RFC 9110 §10.2.3).
    /// - 408 Request Timeout: retry; RFC 9110 §15.5.9 says the client may repeat the request, and
    ///   it is the server-side twin of our own timeout, which is retried.
    /// - 3xx: permanent failure. Redirects are never followed (a redirect could send a signed
    ///   payload to another host), and retrying the same URL would get the same redirect, so
    ///   retries would only delay the dead letter that tells the operator to fix the URL.
    /// - other 4xx, and anything else: permanent failure.
    static func classify(_ response: HTTPClientResponse, gateway: String, now: Date) -> WebhookDeliveryResult {
        let status = response.status
        let summary = "HTTP \(status) from webhook endpoint '\(gateway)'" + excerpt(response.body)
        switch status {
        case 200...299:
            return .delivered(status: status)
        case 410:
            return .gone(error: summary + "; the endpoint is now disabled until an operator enables it")
        case 408, 429, 500...599:
            let retryAfter = response.header("Retry-After").flatMap { RetryAfter.parse($0, now: now) }
            return .retry(after: retryAfter, error: summary)
        case 300...399:
            let location = response.header("Location").map { " (Location: \($0.prefix(200)))" } ?? ""
            return .failed(error: summary + location + "; redirects are not followed, fix the endpoint URL")
        default:
            return .failed(error: summary)
        }
    }

    /// Classifies a transport failure: a URL that can never work is permanent; anything that
    /// may work later (timeouts, refused connections, DNS, TLS, shutdown) is retried.
    static func classify(_ error: HTTPClientError, gateway: String) -> WebhookDeliveryResult {
        let summary = "webhook endpoint '\(gateway)': \(error.message)"
        switch error.reason {
        case .invalidURL, .unsupportedScheme, .invalidRequest:
            return .failed(error: summary)
        case .timedOut, .connectionFailed, .couldNotResolveHost, .tlsFailed, .responseTooLarge, .shutdown,
            .cancelled, .resourceUnavailable, .transport:
            return .retry(after: nil, error: summary)
        }
    }

    /// `": <first bytes of the body>"` with control characters replaced, or "".
    private static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(bodyExcerptLength), as: UTF8.self)
        let cleaned = String(
            text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        return ": " + cleaned + (body.count > bodyExcerptLength ? "…" : "")
    }
}
