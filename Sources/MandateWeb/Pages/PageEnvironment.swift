import HTMLTemplates
import HTTPServer
import MandateCore

/// What every page handler needs: the core services (the same ones the API calls), the renderer
/// and the CSRF tokens.
struct PageEnvironment: Sendable {
    let services: APIServices
    let renderer: PageRenderer
    let tokens: CSRFTokens

    /// The layout's chrome for a signed-in user. `mfa` (the user's enforcement view) decides the
    /// site-wide banner; pass nil where it is not wanted.
    func chrome(for principal: Principal, mfa: MFAEnforcementView?) async throws(CoreError) -> PageChrome {
        guard let session = principal.session else { return .anonymous }
        return PageChrome.signedIn(
            principal, signOutToken: try await tokens.token(forSessionID: session.id), mfa: mfa,
            dates: PageDates(timeZone: principal.tenant.timeZone))
    }

    /// The CSRF token of the forms shown to `principal`.
    func csrfToken(for principal: Principal) async throws(CoreError) -> String {
        guard let session = principal.session else { throw CoreError(.unauthenticated, "Sign in first.") }
        return try await tokens.token(forSessionID: session.id)
    }

    /// Renders a page shown before sign-in, whose forms carry a CSRF token bound to the
    /// `mandate_csrf` cookie (set here when the browser has none yet).
    func respondAnonymous(
        template: String, title: String, status: HTTPStatus, content: [String: TemplateValue], to request: HTTPRequest
    ) async throws -> HTTPResponse {
        let (nonce, cookie) = CSRFTokens.nonce(for: request)
        var content = content
        content["csrf"] = .string(try await tokens.token(forNonce: nonce))
        var response = try renderer.respond(
            Page(template: template, title: title, status: status, chrome: .anonymous, content: content), to: request)
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The status a page answers a refused action with: the API's mapping (DESIGN.md §4).
    static func status(for error: CoreError) -> HTTPStatus {
        switch error.reason {
        case .notFound: .notFound
        case .conflict: .conflict
        case .validation: .unprocessableContent
        case .forbidden, .planUpgradeRequired: .forbidden
        case .unauthenticated, .secondFactorRefused: .unauthorized
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }

    /// Adds `Retry-After` to a page refused for being too fast or too busy.
    static func addRetryAfter(for error: CoreError, to response: inout HTTPResponse) {
        switch error.reason {
        case .rateLimited(let seconds), .unavailable(let seconds):
            response.headers.add(name: "Retry-After", value: String(max(1, seconds)))
        default:
            break
        }
    }
}
