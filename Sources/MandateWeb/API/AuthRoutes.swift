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
            let outcome = try await services.signIn.signIn(
                tenantSlug: body.tenant, email: body.email, password: body.password, kind: .api,
                origin: request.origin)
            var response: HTTPResponse
            switch outcome {
            case .signedIn(let signedIn): response = .json(SignedInJSON(signedIn))
            case .mfaRequired(let pending): response = .json(MFARequiredJSON(pending: pending))
            }
            response.headers.add(name: "Cache-Control", value: "no-store")
            return response
        }
        group.post("/invitations/accept") { [services] request, _ in
            let body = try request.decodeAPI(AcceptBody.self, allowedFields: ["token", "password", "name"])
            let signedIn = try await services.credentials.acceptInvitation(
                token: body.token, password: body.password, name: body.name, kind: .api, origin: request.origin)
            var response = HTTPResponse.json(SignedInJSON(signedIn))
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
            let mfa = principal.user == nil ? nil : try await services.enforcement.status(principal)
            return .json(MeJSON(principal: principal, entitlement: entitlement, mfa: mfa))
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
struct MeJSON: JSONRepresentable {
    let principal: Principal
    let entitlement: Entitlement
    /// The user's MFA status, deadline, sources and `canDisableMfa` (nil for API keys).
    let mfa: MFAEnforcementView?

    func write(to writer: inout JSONWriter) {
        let tenant = principal.tenant
        writer.object { json in
            json.key("apiKey")
            if case .apiKey(let id, let name) = principal.credential {
                json.object { key in
                    key.field("id", id)
                    key.field("name", name)
                }
            } else {
                json.null()
            }
            json.field("mfa", mfa.map { MFAEnforcementJSON(view: $0) })
            json.key("organization")
            json.object { organization in
                organization.field("features", entitlement.featureNames)
                organization.field("id", tenant.id)
                organization.field("name", tenant.name)
                organization.field("plan", entitlement.effectivePlan.id)
                organization.field("slug", tenant.slug)
                organization.field("subscriptionStatus", tenant.subscriptionStatus.rawValue)
            }
            json.field("session", principal.session.map { SessionJSON($0, tenant: tenant) })
            json.field("user", principal.user.map { UserJSON($0) })
        }
    }
}
