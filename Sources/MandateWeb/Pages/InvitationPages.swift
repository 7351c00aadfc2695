import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// `GET|POST /invitations/accept?token=…`: the invitation link of the email. The invited user
/// chooses a password (and optionally their name); `CredentialService.acceptInvitation` activates
/// them, as `POST /api/v1/invitations/accept` does, and signs them in: the session cookie is set
/// and they land on forced setup when a requirement is due, otherwise on `/account`. The form is
/// anonymous, so its CSRF token is bound to the `mandate_csrf` cookie; the invitation token
/// travels in the form, and the page's `Referrer-Policy` keeps it off other sites.
struct InvitationPages: Sendable {
    static let path = "/invitations/accept"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }

    func register(on group: RouterGroup<MandateContext>) {
        group.get(Self.path) { request, _ in
            let token = request.queryParameters["token"] ?? ""
            guard !token.isEmpty else {
                return try await page(
                    request, token: "", name: "", error: CredentialService.invalidInvitationMessage,
                    status: .notFound)
            }
            return try await page(request, token: token, name: "")
        }
        group.post(Self.path) { request, _ in try await accept(request) }
    }

    private func accept(_ request: HTTPRequest) async throws -> HTTPResponse {
        let form = URLEncodedForm(body: request.body)
        let token = form["token"] ?? ""
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        guard !token.isEmpty else {
            return try await page(
                request, token: "", name: name, error: CredentialService.invalidInvitationMessage,
                status: .unprocessableContent)
        }
        guard !password.isEmpty else {
            return try await page(
                request, token: token, name: name, error: "Choose a password.", status: .unprocessableContent)
        }
        let signedIn: SignInService.SignedIn
        do {
            signedIn = try await services.credentials.acceptInvitation(
                token: token, password: password, name: name.isEmpty ? nil : name, kind: .browser,
                origin: request.origin)
        } catch {
            // A link that no longer works cannot be retried: no form, only the message.
            let isTokenError = error.reason == .validation(field: "token")
            var response = try await page(
                request, token: isTokenError ? "" : token, name: name, error: error.message,
                status: PageEnvironment.status(for: error))
            PageEnvironment.addRetryAfter(for: error, to: &response)
            return response
        }
        let next = signedIn.session.scope == .mfaSetup ? MFASetupPages.path : AccountPages.path
        var response = HTTPResponse.seeOther(next, request: request)
        response.setCookie(WebCookie.session.make(signedIn.token.value, for: request))
        return response
    }

    /// The form (when there is a token to send) and the error, if any.
    private func page(
        _ request: HTTPRequest, token: String, name: String, error: String? = nil, status: HTTPStatus = .ok
    ) async throws -> HTTPResponse {
        var content: [String: TemplateValue] = ["name": .string(name)]
        if !token.isEmpty { content["token"] = .string(token) }
        if let error { content["error"] = .string(error) }
        return try await environment.respondAnonymous(
            template: "invitation-accept", title: "Accept your invitation", status: status, content: content,
            to: request)
    }
}
