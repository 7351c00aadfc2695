import HTTPServer
import MandateCore

/// Signs in a page request from its `mandate_session` cookie, with the same `Authenticator` (and
/// so the same idle and absolute expiry) as the API's bearer tokens.
///
/// No valid session: a redirect to the sign-in page that comes back here afterwards (and a stale
/// cookie is cleared). A setup-only session reaches nothing but MFA setup and sign-out; every
/// other page redirects to setup, which returns to the page asked for once MFA is set up.
struct PageAuthenticationMiddleware: Middleware {
    let authenticator: Authenticator

    /// The pages a setup-only session reaches.
    static func reachableDuringSetup(_ path: String) -> Bool {
        path == "/sign-out" || path == MFASetupPages.path || path.hasPrefix(MFASetupPages.path + "/")
    }

    func handle(_ request: HTTPRequest, context: MandateContext, next: RouteHandler<MandateContext>) async throws
        -> HTTPResponse
    {
        let returnTo = request.method == .get || request.method == .head ? request.target : nil
        guard let token = WebCookie.session.value(in: request) else {
            return .seeOther(ReturnTo.appending(returnTo, to: SignInPages.path), request: request)
        }
        guard let principal = try await Self.authenticate(token, request: request, with: authenticator) else {
            var response = HTTPResponse.seeOther(
                ReturnTo.appending(returnTo, to: SignInPages.path), flash: .sessionEnded, request: request)
            response.setCookie(WebCookie.session.expired(for: request))
            return response
        }
        if principal.session?.scope == .mfaSetup, !Self.reachableDuringSetup(request.path) {
            return .seeOther(ReturnTo.appending(returnTo, to: MFASetupPages.path), request: request)
        }
        var context = context
        context.principal = principal
        var response = try await next(request, context)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    /// The user behind a session cookie, or nil when it is not a valid browser session of a user.
    /// Storage failures are thrown, not mistaken for a signed-out user.
    static func authenticate(_ token: String, request: HTTPRequest, with authenticator: Authenticator)
        async throws(CoreError) -> Principal?
    {
        // Only session tokens: an API key (`mdk_…`) in a cookie is not a browser sign-in.
        guard token.hasPrefix(SecretToken.sessionPrefix), token.utf8.count <= 256 else { return nil }
        let principal: Principal
        do {
            principal = try await authenticator.authenticate(token: token, origin: request.origin)
        } catch {
            if case .unauthenticated = error.reason { return nil }
            throw error
        }
        guard principal.user != nil, principal.session?.kind == .browser else { return nil }
        return principal
    }
}
