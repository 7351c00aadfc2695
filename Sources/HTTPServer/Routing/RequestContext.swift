/// Per-request state that travels through middleware to the handler.
///
/// Applications define their own context type (the authenticated tenant, user and session scope,
/// say); middleware fills it in and handlers read it, fully typed.
public protocol RequestContext: Sendable {
    /// A fresh context for a new request.
    init()
    /// The route that matched, filled in by the router before any middleware runs.
    var route: MatchedRoute { get set }
}

/// The matched route pattern (`/api/v1/users/:id`) and its decoded parameters.
public struct MatchedRoute: Sendable {
    /// The pattern as registered, or `unmatched` for 404s: used as the metrics label.
    public var pattern: String
    public var parameters: RouteParameters

    public init(pattern: String = "unmatched", parameters: RouteParameters = RouteParameters()) {
        self.pattern = pattern
        self.parameters = parameters
    }
}

/// A context with nothing but the route, for simple servers and tests.
public struct BasicRequestContext: RequestContext {
    public var route = MatchedRoute()
    public init() {}
}
