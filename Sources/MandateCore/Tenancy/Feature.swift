/// A capability a plan may include (DESIGN.md §3, "Plans and entitlements").
public enum Feature: String, Sendable, CaseIterable, Codable, Comparable {
    case selfService = "mfa.self_service"
    case statusView = "mfa.status_view"
    case sms = "mfa.sms"
    case enforceUser = "mfa.enforce.user"
    case enforceOrg = "mfa.enforce.org"
    case enrollmentPeriod = "mfa.enrollment_period"
    case auditExport = "audit.export"
    case enforceGroups = "mfa.enforce.groups"
    case signOutPolicy = "mfa.sign_out_policy"

    public static func < (lhs: Feature, rhs: Feature) -> Bool { lhs.rawValue < rhs.rawValue }
}
