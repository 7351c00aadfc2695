import HTMLTemplates
import HTTPServer
import MandateCore

/// Lets only owners and admins (`canViewOrganization`, read-only admins included) reach the
/// administrators' pages: anyone else gets the 403 page and the handler never runs. Changes are
/// still the services' to allow (`requireManageUsers`). Runs after ``PageAuthenticationMiddleware``.
struct AdminOnlyMiddleware: Middleware {
    let environment: PageEnvironment

    func handle(_ request: HTTPRequest, context: MandateContext, next: RouteHandler<MandateContext>) async throws
        -> HTTPResponse
    {
        let principal = try context.requirePrincipal()
        guard principal.canViewOrganization else {
            return try environment.renderer.respond(
                Page(
                    template: "forbidden", title: "Request refused", status: .forbidden,
                    chrome: try await environment.chrome(for: principal, mfa: nil),
                    content: ["message": .string("Only owners and admins of your organization can open this page.")]),
                to: request)
        }
        return try await next(request, context)
    }
}
