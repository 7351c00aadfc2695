public import HTMLTemplates
public import HTTPServer
import MandateCore
public import MandateJobs

/// The server-rendered dashboard (issue 8): the user's sign-in path and security pages, the
/// administrators' pages, and the static files they use.
///
/// Three groups of routes:
/// - anonymous (`/sign-in…`, `/invitations/accept`): CSRF tokens bound to the `mandate_csrf` cookie;
/// - signed in (`/account…`, `/sign-out`): the `mandate_session` cookie authenticated on every
///   request, and CSRF tokens bound to the session;
/// - administrators (`/admin…`): signed in, and owners or admins only (``AdminOnlyMiddleware``).
/// Pages call the same core services as the JSON API and render from view models.
public struct PageRoutes: Sendable {
    private let environment: PageEnvironment
    private let assets: StaticAssets
    /// The job queue, for the organization's jobs page.
    private let jobQueue: JobQueue

    public init(services: APIServices, templates: TemplateLibrary, assets: StaticAssets, jobQueue: JobQueue) {
        self.assets = assets
        self.jobQueue = jobQueue
        environment = PageEnvironment(
            services: services, renderer: PageRenderer(templates: templates, assets: assets),
            tokens: CSRFTokens(environment: services.environment))
    }

    public func register(on router: Router<MandateContext>) {
        assets.register(on: router)
        let anonymous = router.group().add(
            middleware: CSRFMiddleware(
                tokens: environment.tokens, binding: .nonceCookie, renderer: environment.renderer))
        SignInPages(environment: environment).register(on: anonymous)
        InvitationPages(environment: environment).register(on: anonymous)
        let signedIn = router.group()
            .add(middleware: PageAuthenticationMiddleware(authenticator: environment.services.authenticator))
            .add(
                middleware: CSRFMiddleware(
                    tokens: environment.tokens, binding: .session, renderer: environment.renderer))
        AccountPages(environment: environment).register(on: signedIn)
        MFASetupPages(environment: environment).register(on: signedIn)
        MFASetupSMSPages(environment: environment).register(on: signedIn)
        RecoveryCodesPages(environment: environment).register(on: signedIn)
        // The administrators' pages: owners and admins only, checked once for all of them.
        let admin = signedIn.group("").add(middleware: AdminOnlyMiddleware(environment: environment))
        AdminOverviewPage(environment: environment).register(on: admin)
        UsersPages(environment: environment).register(on: admin)
        UserPanelPages(environment: environment).register(on: admin)
        AdminPolicyPages(environment: environment).register(on: admin)
        AdminPages(environment: environment).register(on: admin)
        AuditPages(environment: environment).register(on: admin)
        JobsPages(environment: environment, queue: jobQueue).register(on: admin)
    }
}
