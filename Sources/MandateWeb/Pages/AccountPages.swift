import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// `GET /account` (the user's security page), `POST /account/mfa/disable` (turn MFA off, after
/// confirming the password) and `POST /sign-out`. Signed in; CSRF-bound to the session.
struct AccountPages: Sendable {
    static let path = "/account"
    static let disablePath = "/account/mfa/disable"
    static let signOutPath = "/sign-out"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, context in
            try await accountPage(request, principal: try context.requirePrincipal())
        }
        group.post(Self.disablePath) { request, context in
            try await disableMFA(request, principal: try context.requirePrincipal())
        }
        group.post(Self.signOutPath) { request, context in
            try await services.credentials.signOut(try context.requirePrincipal(), origin: request.origin)
            var response = HTTPResponse.seeOther(SignInPages.path, flash: .signedOut, request: request)
            response.setCookie(WebCookie.session.expired(for: request))
            return response
        }
    }

    /// Turns MFA off: confirms the password (a fresh authentication, as the API requires), then
    /// removes every factor through `MFAService`, which refuses the last one while a requirement
    /// applies. The page checks the same decision first, so an enforced user changes nothing.
    private func disableMFA(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let password = URLEncodedForm(body: request.body)["password"] ?? ""
        let mfa = try await services.enforcement.status(principal)
        guard mfa.decision.canDisableMFA else {
            return try await accountPage(
                request, principal: principal, mfa: mfa, error: AccountView.enforcedExplanation(principal.tenant),
                status: .forbidden)
        }
        guard !password.isEmpty else {
            return try await accountPage(
                request, principal: principal, mfa: mfa, error: "Enter your password to turn off MFA.",
                status: .unprocessableContent)
        }
        do {
            let session = try await services.credentials.reauthenticate(
                principal, password: password, origin: request.origin)
            let fresh = Principal(tenant: principal.tenant, user: principal.user, credential: .session(session))
            let kinds = Set(try await services.mfa.overview(fresh).factors.map(\.kind))
            for kind in FactorKind.allCases where kinds.contains(kind) {
                try await services.mfa.remove(kind, fresh, origin: request.origin)
            }
            return .seeOther(Self.path, flash: kinds.isEmpty ? nil : .mfaDisabled, request: request)
        } catch {
            var response = try await accountPage(
                request, principal: principal, mfa: nil, error: error.message,
                status: PageEnvironment.status(for: error))
            PageEnvironment.addRetryAfter(for: error, to: &response)
            return response
        }
    }

    /// The security page; `error` (with `status`) explains a refused form.
    func accountPage(
        _ request: HTTPRequest, principal: Principal, mfa known: MFAEnforcementView? = nil, error: String? = nil,
        status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        let mfa: MFAEnforcementView
        if let known {
            mfa = known
        } else {
            mfa = try await services.enforcement.status(principal)
        }
        let overview = try await services.mfa.overview(principal)
        let dates = PageDates(timeZone: principal.tenant.timeZone)
        var content = AccountView.content(
            principal: principal, mfa: mfa, overview: overview, dates: dates, now: services.environment.clock.now())
        content["csrf"] = .string(try await environment.csrfToken(for: principal))
        if let error { content["error"] = .string(error) }
        return try environment.renderer.respond(
            Page(
                template: "account", title: "Security", status: status,
                chrome: try await environment.chrome(for: principal, mfa: mfa), content: content),
            to: request)
    }
}
