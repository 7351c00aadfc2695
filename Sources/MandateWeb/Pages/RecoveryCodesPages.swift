import Foundation
import HTMLTemplates
import HTTPServer
import Lifecycle
import MandateCore

/// `POST /account/mfa/recovery-codes`: a signed-in user with MFA replaces their recovery codes.
/// The password is confirmed first (a fresh authentication, as `POST /api/v1/me/mfa/recovery-codes`
/// requires), then `MFAService.regenerateRecoveryCodes` (the API's service) replaces every code;
/// the 10 new ones are shown on this one answer only, never stored readable.
struct RecoveryCodesPages: Sendable {
    static let path = "/account/mfa/recovery-codes"

    let environment: PageEnvironment

    private var services: APIServices { environment.services }
    private var account: AccountPages { AccountPages(environment: environment) }

    func register(on group: RouterGroup<MandateContext>) {
        group.post(Self.path) { request, context in
            try await regenerate(request, principal: try context.requirePrincipal())
        }
    }

    /// A refusal (not enrolled, no password, a wrong one) re-renders the security page with the
    /// reason; nothing changes.
    private func regenerate(_ request: HTTPRequest, principal: Principal) async throws -> HTTPResponse {
        let password = URLEncodedForm(body: request.body)["password"] ?? ""
        guard try await services.mfa.overview(principal).isEnrolled else {
            return try await account.accountPage(
                request, principal: principal,
                error: "Set up an authenticator app or SMS first; recovery codes stand in for them.",
                status: .conflict)
        }
        guard !password.isEmpty else {
            return try await account.accountPage(
                request, principal: principal, error: "Enter your password to get new recovery codes.",
                status: .unprocessableContent)
        }
        let codes: [String]
        do {
            let session = try await services.credentials.reauthenticate(
                principal, password: password, origin: request.origin)
            let fresh = Principal(tenant: principal.tenant, user: principal.user, credential: .session(session))
            codes = try await services.mfa.regenerateRecoveryCodes(fresh, origin: request.origin)
        } catch {
            var response = try await account.accountPage(
                request, principal: principal, error: error.message, status: PageEnvironment.status(for: error))
            PageEnvironment.addRetryAfter(for: error, to: &response)
            return response
        }
        return try environment.renderer.respond(
            Page(
                template: "account-recovery-codes", title: "New recovery codes",
                chrome: try await environment.chrome(for: principal, mfa: nil),
                content: ["recoveryCodes": .list(codes.map { .string($0) })]),
            to: request)
    }
}
