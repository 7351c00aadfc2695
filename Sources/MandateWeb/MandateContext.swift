public import HTTPServer
public import MandateCore

/// What a request carries through middleware to its handler: the matched route and, once
/// authenticated, the principal (tenant, user or API key, session scope).
public struct MandateContext: RequestContext {
    public var route = MatchedRoute()
    public var principal: Principal?

    public init() {}

    /// The authenticated caller; a 401 when there is none.
    public func requirePrincipal() throws(HTTPError) -> Principal {
        guard let principal else { throw HTTPError.unauthorized() }
        return principal
    }
}

extension HTTPRequest {
    /// Where the request came from, for sessions and audit events.
    public var origin: RequestOrigin {
        RequestOrigin(ipAddress: clientAddress, userAgent: headers["User-Agent"])
    }
}
