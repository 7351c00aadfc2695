import Foundation
public import HTTPServer
import Lifecycle
import MandateCore
import MandateJobs
public import MandateWeb

extension Application {
    /// The router of the whole service: global middleware, operations routes and the JSON API.
    /// `makeResponder()` freezes exactly this router, so `routeTable()` is what is served.
    public func makeRouter(isDraining: @escaping @Sendable () -> Bool = { false }) -> Router<MandateContext> {
        let router = Router<MandateContext>()
        router.add(middleware: MetricsMiddleware(registry: metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        OperationsRoutes(database: database, metrics: metrics, isDraining: isDraining).register(on: router)
        APIRoutes(
            services: APIServices(environment: environment, pastDueGraceDays: configuration.billingPastDueGraceDays)
        ).register(on: router)
        PageRoutes(
            services: APIServices(environment: environment, pastDueGraceDays: configuration.billingPastDueGraceDays),
            templates: environment.templates,
            assets: StaticAssets.load(directory: configuration.templatesDirectory.appendingPathComponent("static")),
            jobQueue: jobQueue
        ).register(on: router)
        let callbackSecrets = configuration.smsCallbackSecrets
        SMSStatusRoutes(
            database: database, clock: clock, secrets: { callbackSecrets }, logger: logger.labelled("webhooks")
        ).register(on: router)
        let billingSecrets = configuration.billingWebhookSecrets
        BillingWebhookRoutes(
            billing: BillingService(environment: environment, pastDueGraceDays: configuration.billingPastDueGraceDays),
            clock: clock, secrets: { billingSecrets }, logger: logger.labelled("webhooks")
        ).register(on: router)
        if configuration.dev {
            DevOutboxRoutes(
                database: database, clock: clock, templates: environment.templates,
                logger: logger.labelled("dev-outbox")
            ).register(on: router)
        }
        return router
    }

    /// Every registered route as (method, pattern), e.g. `(.get, "/api/v1/users/:id")`: lets tests
    /// prove a property (tenant isolation, authentication) for every route, including future ones.
    public func routeTable() -> [(method: HTTPMethod, pattern: String)] {
        makeRouter().routes
    }
}
