import Lifecycle

/// The immutable result of a `Router`: matches, builds the context, runs middleware and handler,
/// and turns every error into a response.
public struct RouterResponder<Context: RequestContext>: HTTPResponder {
    private let root: RouteNode<Route>
    private let globalChain: [any Middleware<Context>]
    private let logger: Logger

    struct Route: Sendable {
        var pattern: String
        var chain: RouteHandler<Context>
    }

    init(router: Router<Context>, logger: Logger) {
        self.logger = logger
        self.globalChain = router.globalMiddleware
        let root = RouteNode<Route>()
        for registration in router.registrations {
            let chain = RouterResponder.compose(
                router.globalMiddleware + registration.middleware, handler: registration.handler, logger: logger)
            let inserted = root.insert(
                pattern: registration.pattern, method: registration.method,
                entry: Route(pattern: registration.pattern, chain: chain))
            precondition(inserted, "conflicting parameter names at \(registration.pattern)")  // programmer error
        }
        self.root = root
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        var context = Context()
        let chain: RouteHandler<Context>
        switch root.match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            context.route = MatchedRoute(pattern: route.pattern, parameters: parameters)
            chain = route.chain
        case .methodNotAllowed(let allowed):
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            chain = unmatchedChain(
                HTTPError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method) is not supported here. Allowed: \(allow).",
                    headers: HTTPHeaders([("Allow", allow)])))
        case .notFound:
            chain = unmatchedChain(HTTPError.notFound("No such endpoint: \(request.path)"))
        case .malformedPath:
            chain = unmatchedChain(HTTPError.badRequest("The path has an invalid percent-encoding."))
        }
        do {
            return try await chain(request, context)
        } catch {
            return RouterResponder.response(for: error, request: request, logger: logger)
        }
    }

    /// Global middleware around a fixed error, so 404s and 405s are measured and get headers too.
    private func unmatchedChain(_ error: HTTPError) -> RouteHandler<Context> {
        RouterResponder.compose(globalChain, handler: { _, _ in throw error }, logger: logger)
    }

    /// Folds middleware around the handler; every layer's errors become responses before the
    /// next-outer layer sees them.
    static func compose(
        _ middleware: [any Middleware<Context>], handler: @escaping RouteHandler<Context>, logger: Logger
    ) -> RouteHandler<Context> {
        var next: RouteHandler<Context> = { request, context in
            do {
                return try await handler(request, context)
            } catch {
                return response(for: error, request: request, logger: logger)
            }
        }
        for layer in middleware.reversed() {
            let inner = next
            next = { request, context in
                do {
                    return try await layer.handle(request, context: context, next: inner)
                } catch {
                    return response(for: error, request: request, logger: logger)
                }
            }
        }
        return next
    }

    static func response(for error: any Error, request: HTTPRequest, logger: Logger) -> HTTPResponse {
        if let convertible = error as? any HTTPResponseConvertibleError {
            return convertible.response(for: request)
        }
        logger.error(
            "unhandled error",
            [
                "method": .string(request.method.rawValue), "path": .string(request.path),
                "error": .string(String(describing: error)),
            ])
        return HTTPError(
            .internalServerError, code: "internal_error",
            message: "Something went wrong on our side. It has been logged; please try again."
        ).response
    }
}
