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
        context.principal = try await authenticator.authenticate(token: token, origin: request.origin)
        var response = try await next(request, context)
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }
}
