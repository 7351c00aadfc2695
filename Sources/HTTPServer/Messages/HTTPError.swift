import Lifecycle

/// An error a client caused (or a deliberate refusal), carrying everything needed to answer it.
///
/// Handlers throw it; the router turns it into a response. The default body is the JSON error
/// envelope `{"error": {"code": "...", "message": "..."}}`. Any other error is logged and
/// answered with a generic 500 that leaks nothing.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A stable snake_case code clients can match on.
    public var code: String
    /// A sentence a person can act on.
    public var message: String
    /// Extra headers such as `Retry-After`, `Allow` or `WWW-Authenticate`.
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON error envelope as a response.
    public var response: HTTPResponse {
        var body = "{\"error\":{\"code\":"
        JSONText.appendQuoted(code, to: &body)
        body += ",\"message\":"
        JSONText.appendQuoted(message, to: &body)
        body += "}}"
        var response = HTTPResponse.json(bytes: Array(body.utf8), status: status)
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }

    public static func notFound(_ message: String = "Not found.", code: String = "not_found") -> HTTPError {
        HTTPError(.notFound, code: code, message: message)
    }

    public static func unauthorized(_ message: String = "Authentication required.", code: String = "unauthenticated")
        -> HTTPError
    {
        HTTPError(.unauthorized, code: code, message: message)
    }

    public static func forbidden(_ message: String, code: String = "forbidden") -> HTTPError {
        HTTPError(.forbidden, code: code, message: message)
    }

    public static func conflict(_ message: String, code: String = "conflict") -> HTTPError {
        HTTPError(.conflict, code: code, message: message)
    }

    public static func unprocessable(_ message: String, code: String = "validation_failed") -> HTTPError {
        HTTPError(.unprocessableContent, code: code, message: message)
    }

    public static func tooManyRequests(_ message: String, retryAfterSeconds: Int, code: String = "rate_limited")
        -> HTTPError
    {
        HTTPError(
            .tooManyRequests, code: code, message: message,
            headers: HTTPHeaders([("Retry-After", String(max(1, retryAfterSeconds)))]))
    }
}

/// Lets other error types choose their own response (an HTML error page, say).
public protocol HTTPResponseConvertibleError: Error {
    func response(for request: HTTPRequest) -> HTTPResponse
}

extension HTTPError: HTTPResponseConvertibleError {
    public func response(for request: HTTPRequest) -> HTTPResponse { response }
}
