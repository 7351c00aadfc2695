public import MandateCore

/// The core services the API calls, built from one environment.
public struct APIServices: Sendable {
    let environment: CoreEnvironment
    let signIn: SignInService
    let authenticator: Authenticator
    let credentials: CredentialService
    let users: UserService
    let groups: GroupService
    let apiKeys: APIKeyService
    let tenants: TenantService
    let audit: AuditService
    let mfa: MFAService
    let challenges: MFAChallengeService
    let enforcement: EnforcementService
    let policies: MFAPolicyService
    let billing: BillingService

    /// - Parameter pastDueGraceDays: how long `past_due` keeps the plan (billing webhooks).
    public init(environment: CoreEnvironment, pastDueGraceDays: Int = BillingService.defaultPastDueGraceDays) {
        self.environment = environment
        billing = BillingService(environment: environment, pastDueGraceDays: pastDueGraceDays)
        signIn = SignInService(environment: environment)
        authenticator = Authenticator(environment: environment)
        credentials = CredentialService(environment: environment)
        users = UserService(environment: environment)
        groups = GroupService(environment: environment)
        apiKeys = APIKeyService(environment: environment)
        tenants = TenantService(environment: environment)
        audit = AuditService(environment: environment)
        mfa = MFAService(environment: environment)
        challenges = MFAChallengeService(environment: environment)
        enforcement = EnforcementService(environment: environment)
        policies = MFAPolicyService(environment: environment)
    }
}
