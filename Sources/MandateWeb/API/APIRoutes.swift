public import HTTPServer

/// Every JSON route under `/api/v1`.
public struct APIRoutes: Sendable {
    private let services: APIServices

    public init(services: APIServices) {
        self.services = services
    }

    public func register(on router: Router<MandateContext>) {
        let unauthenticated = router.group("/api/v1")
        AuthRoutes(services: services).registerPublic(on: unauthenticated)
        MFARoutes(services: services).registerPublic(on: unauthenticated)
        let authenticated = router.group("/api/v1").add(
            middleware: AuthenticationMiddleware(authenticator: services.authenticator))
        AuthRoutes(services: services).registerAuthenticated(on: authenticated)
        MFARoutes(services: services).registerAuthenticated(on: authenticated)
        OrganizationRoutes(services: services).register(on: authenticated)
        BillingRoutes(services: services).register(on: authenticated)
        UserRoutes(services: services).register(on: authenticated)
        EnforcementRoutes(services: services).register(on: authenticated)
        GroupRoutes(services: services).register(on: authenticated)
        APIKeyRoutes(services: services).register(on: authenticated)
        AuditRoutes(services: services).register(on: authenticated)
    }
}
