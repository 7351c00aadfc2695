public import HTTPServer
import Lifecycle
public import MandateCore

/// Core errors become the JSON error envelope of DESIGN.md §4, with the right status.
extension CoreError: HTTPResponseConvertibleError {
    public func response(for request: HTTPRequest) -> HTTPResponse {
        let status: HTTPStatus
        let code: String
        var field: String?
        var retryAfter: Int?
        switch reason {
        case .notFound:
            (status, code) = (.notFound, "not_found")
        case .conflict:
            (status, code) = (.conflict, "conflict")
        case .validation(let name):
            (status, code, field) = (.unprocessableContent, "validation_failed", name)
        case .forbidden(let forbiddenCode):
            (status, code) = (.forbidden, forbiddenCode)
        case .planUpgradeRequired:
            (status, code) = (.forbidden, "plan_upgrade_required")
        case .unauthenticated:
            (status, code) = (.unauthorized, "unauthenticated")
        case .secondFactorRefused(let refusal):
            (status, code) = (.unauthorized, refusal)
        case .rateLimited(let seconds):
            (status, code, retryAfter) = (.tooManyRequests, "rate_limited", seconds)
        case .unavailable(let seconds):
            (status, code, retryAfter) = (.serviceUnavailable, "temporarily_unavailable", seconds)
        case .internalFailure:
            (status, code) = (.internalServerError, "internal_error")
        }
        var body = "{\"error\":{\"code\":" + JSONText.quoted(code) + ",\"message\":" + JSONText.quoted(message)
        if let field { body += ",\"field\":" + JSONText.quoted(field) }
        if case .planUpgradeRequired(let feature) = reason { body += ",\"feature\":" + JSONText.quoted(feature) }
        body += "}}"
        var response = HTTPResponse.json(bytes: Array(body.utf8), status: status)
        if let retryAfter { response.headers.add(name: "Retry-After", value: String(max(1, retryAfter))) }
        if status == .unauthorized { response.headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"mandate\"") }
        return response
    }
}
