import Foundation
import HTMLTemplates
import HTTPServer
import MandateCore

/// Refuses state-changing requests (anything but GET and HEAD) that a page of this site did not
/// send: a cross-site `Sec-Fetch-Site` or a foreign `Origin`, or a missing or wrong `csrf` form
/// field (see ``CSRFTokens``). The refusal is a 403 page, and the handler never runs, so nothing
/// changes.
struct CSRFMiddleware: Middleware {
    /// What the expected token is bound to.
    enum Binding: Sendable {
        /// The signed-in session in the context (run after ``PageAuthenticationMiddleware``).
        case session
        /// The `mandate_csrf` cookie (anonymous forms).
        case nonceCookie
    }

    let tokens: CSRFTokens
    let binding: Binding
    let renderer: PageRenderer

    func handle(_ request: HTTPRequest, context: MandateContext, next: RouteHandler<MandateContext>) async throws
        -> HTTPResponse
    {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        guard Self.isSameOrigin(request), try await hasValidToken(request, context: context) else {
            let page = Page(
                template: "forbidden", title: "Request refused", status: .forbidden, chrome: .anonymous,
                content: [
                    "message": .string(
                        "This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again."
                    )
                ])
            return try renderer.respond(page, to: request)
        }
        return try await next(request, context)
    }

    private func hasValidToken(_ request: HTTPRequest, context: MandateContext) async throws(CoreError) -> Bool {
        guard request.mediaType == "application/x-www-form-urlencoded" else { return false }
        let presented = URLEncodedForm(body: request.body)[CSRFTokens.fieldName]
        let expected: String
        switch binding {
        case .session:
            guard let session = context.principal?.session else { return false }
            expected = try await tokens.token(forSessionID: session.id)
        case .nonceCookie:
            guard let nonce = WebCookie.csrf.value(in: request) else { return false }
            expected = try await tokens.token(forNonce: nonce)
        }
        return CSRFTokens.matches(presented, expected: expected)
    }

    /// Fetch metadata and `Origin`, when the browser sends them, must say "this site"
    /// (OWASP CSRF cheat sheet, "Verifying origin with standard headers").
    static func isSameOrigin(_ request: HTTPRequest) -> Bool {
        if let site = request.headers["Sec-Fetch-Site"]?.lowercased(), site != "same-origin", site != "none" {
            return false
        }
        guard let origin = request.headers["Origin"] else { return true }
        guard let host = request.headers["Host"]?.lowercased(), let separator = origin.range(of: "://") else {
            return false  // `Origin: null` (sandboxed or privacy-sensitive contexts) is never ours.
        }
        return origin[separator.upperBound...].lowercased() == host
    }
}
