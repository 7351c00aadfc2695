/// The next step of the chain: the rest of the middleware and finally the handler.
public typealias RouteHandler<Context: RequestContext> = @Sendable (HTTPRequest, Context) async throws -> HTTPResponse

/// Code that runs around handlers: authentication, CSRF checks, security headers, metrics.
///
/// A middleware either answers by itself (throwing an `HTTPError` or returning a response) or
/// calls `next`. Errors thrown further in have already become responses, so every middleware sees
/// the final status of what it wraps.
public protocol Middleware<Context>: Sendable {
    associatedtype Context: RequestContext

    func handle(_ request: HTTPRequest, context: Context, next: RouteHandler<Context>) async throws -> HTTPResponse
}
