import HTMLTemplates
import HTTPServer
import MandateCore

/// The 403 page of an admin page opened by someone who may not see it.
enum AdminRefusal {
    static func forbidden(_ request: HTTPRequest, principal: Principal, environment: PageEnvironment) async throws
        -> HTTPResponse
    {
        try environment.renderer.respond(
            Page(
                template: "forbidden", title: "Request refused", status: .forbidden,
                chrome: try await environment.chrome(for: principal, mfa: nil),
                content: ["message": .string("Only owners and admins of your organization can open this page.")]),
            to: request)
    }
}
