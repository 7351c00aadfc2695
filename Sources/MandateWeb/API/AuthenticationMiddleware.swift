import HTTPServer
import MandateCore

/// Requires `Authorization: Bearer <session token or API key>` and puts the principal in the
/// context. Responses to authenticated requests are never cached.
struct AuthenticationMiddleware: Middleware {
    let authenticator: Authenticator

    func handle(_ request: HTTPRequest, context: MandateContext, next: RouteHandler<MandateContext>) async throws
        -> HTTPResponse
    {
        guard let header = request.headers["Authorization"], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            throw HTTPError(
                .unauthorized, code: "unauthenticated",
                message: "Send 'Authorization: Bearer <token>' with a session token or an API key.",
                headers: HTTPHeaders([("WWW-Authenticate", "Bearer realm=\"mandate\"")]))
        }
        // Tokens are ASCII; trimming bytes avoids Foundation's NSString bridge on every request.
        let token = String(Substring(header.utf8.dropFirst(7).drop { $0 == 0x20 || $0 == 0x09 }))
        var context = context
        let principal = try await authenticator.authenticate(token: token, origin: request.origin)
        if !principal.hasFullScope, !Self.reachableDuringSetup(request.path) {
            throw HTTPError(
                .forbidden, code: "mfa_setup_required",
                message:
                    "Set up multi-factor authentication first (POST /api/v1/me/mfa/totp or /api/v1/me/mfa/sms); this session reaches nothing else until then."
            )
        }
        context.principal = principal
        var response = try await next(request, context)
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }

    /// What a setup-only session reaches: the caller, MFA setup, re-authentication and sign-out.
    static func reachableDuringSetup(_ path: String) -> Bool {
        path == "/api/v1/me" || path == "/api/v1/me/mfa" || path.hasPrefix("/api/v1/me/mfa/")
            || path == "/api/v1/auth/logout" || path == "/api/v1/auth/reauthenticate"
    }
}
