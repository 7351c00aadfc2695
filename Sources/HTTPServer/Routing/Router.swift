public import Lifecycle

/// Collects routes and middleware, then produces an immutable `RouterResponder`.
///
/// Patterns are paths whose segments may be parameters: `/api/v1/users/:id`. Static segments win
/// over parameters. `HEAD` is served by the `GET` route when none is registered for it.
public final class Router<Context: RequestContext> {
    struct Registration {
        var method: HTTPMethod
        var pattern: String
        var middleware: [any Middleware<Context>]
        var handler: RouteHandler<Context>
    }

    var registrations: [Registration] = []
    var globalMiddleware: [any Middleware<Context>] = []

    public init() {}

    /// Adds middleware that runs for every request, matched or not (metrics, security headers).
    public func add(middleware: some Middleware<Context>) {
        globalMiddleware.append(middleware)
    }

    /// Registers `handler` for `method` and `path`.
    public func on(_ path: String, method: HTTPMethod, use handler: @escaping RouteHandler<Context>) {
        registrations.append(Registration(method: method, pattern: path, middleware: [], handler: handler))
    }

    public func get(_ path: String, use handler: @escaping RouteHandler<Context>) {
        on(path, method: .get, use: handler)
    }
    public func post(_ path: String, use handler: @escaping RouteHandler<Context>) {
        on(path, method: .post, use: handler)
    }
    public func put(_ path: String, use handler: @escaping RouteHandler<Context>) {
        on(path, method: .put, use: handler)
    }
    public func patch(_ path: String, use handler: @escaping RouteHandler<Context>) {
        on(path, method: .patch, use: handler)
    }
    public func delete(_ path: String, use handler: @escaping RouteHandler<Context>) {
        on(path, method: .delete, use: handler)
    }

    /// A group of routes under `prefix` that share middleware.
    public func group(_ prefix: String = "") -> RouterGroup<Context> {
        RouterGroup(router: self, prefix: prefix, middleware: [])
    }

    /// Every registered (method, pattern), for documentation checks.
    public var routes: [(method: HTTPMethod, pattern: String)] {
        registrations.map { ($0.method, $0.pattern) }
    }

    /// Freezes the routes into a responder.
    public func makeResponder(logger: Logger = Logger(label: "http")) -> RouterResponder<Context> {
        RouterResponder(router: self, logger: logger)
    }
}

/// Routes under a common prefix with shared middleware.
public final class RouterGroup<Context: RequestContext> {
    private let router: Router<Context>
    private let prefix: String
    private var middleware: [any Middleware<Context>]

    init(router: Router<Context>, prefix: String, middleware: [any Middleware<Context>]) {
        self.router = router
        self.prefix = prefix
        self.middleware = middleware
    }

    /// Adds middleware for the routes registered on this group from now on.
    @discardableResult
    public func add(middleware: some Middleware<Context>) -> RouterGroup<Context> {
        self.middleware.append(middleware)
        return self
    }

    /// A nested group that inherits this group's middleware.
    public func group(_ prefix: String) -> RouterGroup<Context> {
        RouterGroup(router: router, prefix: self.prefix + prefix, middleware: middleware)
    }

    public func on(_ path: String, method: HTTPMethod, use handler: @escaping RouteHandler<Context>) {
        router.registrations.append(
            Router.Registration(method: method, pattern: prefix + path, middleware: middleware, handler: handler))
    }

    public func get(_ path: String = "", use handler: @escaping RouteHandler<Context>) {
        on(path, method: .get, use: handler)
    }
    public func post(_ path: String = "", use handler: @escaping RouteHandler<Context>) {
        on(path, method: .post, use: handler)
    }
    public func put(_ path: String = "", use handler: @escaping RouteHandler<Context>) {
        on(path, method: .put, use: handler)
    }
    public func patch(_ path: String = "", use handler: @escaping RouteHandler<Context>) {
        on(path, method: .patch, use: handler)
    }
    public func delete(_ path: String = "", use handler: @escaping RouteHandler<Context>) {
        on(path, method: .delete, use: handler)
    }
}
