/// Adds the security headers of SECURITY.md ("Sessions and the dashboard") to every response.
public struct SecurityHeadersMiddleware<Context: RequestContext>: Middleware {
    /// The policy for HTML pages: no inline script, no plugins, no framing, no `<base>` tricks.
    public var htmlContentSecurityPolicy: String
    /// The policy for everything else (JSON, SVG, text): load nothing.
    public var defaultContentSecurityPolicy: String
    /// HSTS for requests that arrived over TLS.
    public var strictTransportSecurity: String

    public init(
        htmlContentSecurityPolicy: String =
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        defaultContentSecurityPolicy: String = "default-src 'none'; frame-ancestors 'none'",
        strictTransportSecurity: String = "max-age=31536000; includeSubDomains"
    ) {
        self.htmlContentSecurityPolicy = htmlContentSecurityPolicy
        self.defaultContentSecurityPolicy = defaultContentSecurityPolicy
        self.strictTransportSecurity = strictTransportSecurity
    }

    public func handle(_ request: HTTPRequest, context: Context, next: RouteHandler<Context>) async throws
        -> HTTPResponse
    {
        var response = try await next(request, context)
        let isHTML = response.headers["Content-Type"]?.hasPrefix("text/html") ?? false
        if !response.headers.contains(name: "Content-Security-Policy") {
            response.headers.add(
                name: "Content-Security-Policy",
                value: isHTML ? htmlContentSecurityPolicy : defaultContentSecurityPolicy)
        }
        response.headers.add(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.add(name: "Referrer-Policy", value: "same-origin")
        response.headers.add(name: "X-Frame-Options", value: "DENY")
        response.headers.add(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        if request.isSecure {
            response.headers.add(name: "Strict-Transport-Security", value: strictTransportSecurity)
        }
        return response
    }
}
