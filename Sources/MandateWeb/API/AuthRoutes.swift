import HTTPServer
import Lifecycle
import MandateCore

/// Sign-in, sign-out, the caller's own account, and invitation acceptance.
struct AuthRoutes: Sendable {
    let services: APIServices

    struct LoginBody: Decodable {
        var tenant: String
        var email: String
        var password: String
    }

    struct AcceptBody: Decodable {
        var token: String
        var password: String
        var name: String?
    }

    struct PasswordBody: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    func registerPublic(on group: RouterGroup<MandateContext>) {
        group.post("/auth/login") { [services] request, _ in
            let body = try request.decodeAPI(LoginBody.self, allowedFields: ["tenant", "email", "password"])
            let signedIn = try await services.signIn.signIn(
                tenantSlug: body.tenant, email: body.email, password: body.password, kind: .api,
                origin: request.origin)
            var response = try HTTPResponse.api(SignedInJSON(signedIn))
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
        group.post("/invitations/accept") { [services] request, _ in
            let body = try request.decodeAPI(AcceptBody.self, allowedFields: ["token", "password", "name"])
            let signedIn = try await services.credentials.acceptInvitation(
                token: body.token, password: body.password, name: body.name, kind: .api, origin: request.origin)
            var response = try HTTPResponse.api(SignedInJSON(signedIn))
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
    }

    func registerAuthenticated(on group: RouterGroup<MandateContext>) {
        group.post("/auth/logout") { [services] request, context in
            try await services.credentials.signOut(try context.requirePrincipal(), origin: request.origin)
            return .noContent
        }
        group.get("/me") { [services] _, context in
            let principal = try context.requirePrincipal()
            let entitlement = principal.tenant.entitlement(
                catalog: services.environment.catalog, now: services.environment.clock.now())
            return try .api(MeJSON(principal: principal, entitlement: entitlement))
        }
        group.post("/me/password") { [services] request, context in
            let body = try request.decodeAPI(PasswordBody.self, allowedFields: ["currentPassword", "newPassword"])
            try await services.credentials.changePassword(
                try context.requirePrincipal(), current: body.currentPassword, new: body.newPassword,
                origin: request.origin)
            return .noContent
        }
    }
}

/// `GET /api/v1/me`: who is calling, in which organization, with which session.
struct MeJSON: Encodable {
    struct Organization: Encodable {
        var id: String
        var slug: String
        var name: String
        var plan: String
        var subscriptionStatus: String
        var features: [String]
    }

    var user: UserJSON?
    var apiKey: APIKeyRef?
    var organization: Organization
    var session: SessionJSON?

    struct APIKeyRef: Encodable {
        var id: String
        var name: String
    }

    init(principal: Principal, entitlement: Entitlement) {
        user = principal.user.map(UserJSON.init)
        if case .apiKey(let id, let name) = principal.credential { apiKey = APIKeyRef(id: id, name: name) }
        let tenant = principal.tenant
        organization = Organization(
            id: tenant.id, slug: tenant.slug, name: tenant.name, plan: entitlement.effectivePlan.id,
            subscriptionStatus: tenant.subscriptionStatus.rawValue,
            features: entitlement.features.map(\.rawValue).sorted())
        session = principal.session.map { SessionJSON($0, tenant: tenant) }
    }
}
