/// Human names of the audit log's actions (the code is always shown next to them). An action
/// missing here is shown by its code alone.
enum AuditActionNames {
    /// Known actions and their names, in the order the filter lists them.
    static let all: [(code: String, name: String)] = [
        ("api_key.created", "API key created"),
        ("api_key.revoked", "API key revoked"),
        ("audit.exported", "Audit log exported"),
        ("auth.login.failed", "Sign-in failed"),
        ("auth.login.mfa_required", "Sign-in waiting for the second step"),
        ("auth.login.refused", "Sign-in refused"),
        ("auth.login.succeeded", "Signed in"),
        ("auth.logout", "Signed out"),
        ("auth.mfa.failed", "Second step failed"),
        ("auth.reauthenticated", "Password confirmed"),
        ("auth.reauthentication.failed", "Password confirmation failed"),
        ("auth.session.ended", "Session ended"),
        ("billing.subscription.updated", "Subscription changed"),
        ("group.created", "Group created"),
        ("group.deleted", "Group deleted"),
        ("group.members.added", "Group members added"),
        ("group.members.removed", "Group members removed"),
        ("group.updated", "Group changed"),
        ("mfa.enforcement.lifted", "Enforcement lifted by a plan change"),
        ("mfa.enforcement.restored", "Enforcement restored"),
        ("mfa.enrollment.expired", "Enrollment period expired"),
        ("mfa.enrollment.reset", "Enrollment period restarted"),
        ("mfa.exemption.ended", "MFA exemption ended"),
        ("mfa.exemption.granted", "MFA exemption granted"),
        ("mfa.factor.added", "MFA method added"),
        ("mfa.factor.removed", "MFA method removed"),
        ("mfa.org_enforcement.updated", "Organization MFA requirement changed"),
        ("mfa.policy.created", "MFA policy created"),
        ("mfa.policy.deleted", "MFA policy deleted"),
        ("mfa.policy.updated", "MFA policy changed"),
        ("mfa.recovery_codes.generated", "Recovery codes generated"),
        ("mfa.reset", "MFA reset"),
        ("mfa.sessions.ended", "Sessions ended by the sign-out policy"),
        ("mfa.sms.code_sent", "SMS code sent"),
        ("mfa.sms.refused", "SMS code refused"),
        ("mfa.totp.enrollment_started", "Authenticator app setup started"),
        ("mfa.user_requirement.updated", "User MFA requirement changed"),
        ("sms.status.updated", "SMS delivery status"),
        ("tenant.created", "Organization created"),
        ("tenant.settings.updated", "Settings changed"),
        ("user.activated", "User activated"),
        ("user.created", "User created"),
        ("user.invitation.resent", "Invitation resent"),
        ("user.invited", "User invited"),
        ("user.locked", "User locked out"),
        ("user.password.change_failed", "Password change failed"),
        ("user.password.changed", "Password changed"),
        ("user.reinstated", "User reinstated"),
        ("user.suspended", "User suspended"),
        ("user.unlocked", "User unlocked"),
        ("user.updated", "User changed"),
        ("webhook.sms_status.rejected", "SMS status callback rejected"),
    ]

    /// Prefixes offered as filters: every action of an area.
    static let areas: [(code: String, name: String)] = [
        ("api_key.", "All API key events"), ("auth.", "All sign-in events"), ("billing.", "All billing events"),
        ("group.", "All group events"), ("mfa.", "All MFA events"), ("tenant.", "All organization events"),
        ("user.", "All user events"),
    ]

    private static let names: [String: String] = Dictionary(
        all.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })

    static func isKnown(_ code: String) -> Bool { names[code] != nil }

    /// The human name of `code`, or nil when there is none.
    static func name(of code: String) -> String? { names[code] }
}
