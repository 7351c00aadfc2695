import HTMLTemplates

/// A one-time message shown on the page a redirect leads to. The cookie carries only the code of
/// one of these fixed messages, never text, so nothing a client sends is ever shown back.
enum Flash: String, CaseIterable, Sendable {
    case signedOut = "signed_out"
    case mfaDisabled = "mfa_disabled"
    case smsSent = "sms_sent"
    case challengeExpired = "challenge_expired"
    case sessionEnded = "session_ended"
    case settingsSaved = "settings_saved"
    case enforcementRestored = "enforcement_restored"
    case policyCreated = "policy_created"
    case policySaved = "policy_saved"
    case policyEnabled = "policy_enabled"
    case policyDisabled = "policy_disabled"
    case policyDeleted = "policy_deleted"
    case userRequirementSaved = "user_requirement_saved"
    case userMFAReset = "user_mfa_reset"
    case userExempted = "user_exempted"
    case userExemptionEnded = "user_exemption_ended"
    case userEnrollmentReset = "user_enrollment_reset"
    case jobRetried = "job_retried"
    case usersUpdated = "users_updated"

    /// The sentence shown.
    var message: String {
        switch self {
        case .signedOut: "You have signed out."
        case .mfaDisabled: "Multi-factor authentication is off. You can set it up again at any time."
        case .smsSent: "We sent a code by SMS. It is valid for 10 minutes."
        case .challengeExpired: "That sign-in attempt expired. Sign in again."
        case .sessionEnded: "Your session has ended. Sign in again."
        case .settingsSaved: "Your security settings are saved."
        case .enforcementRestored: "The enforcement lifted by the plan change is back in place."
        case .policyCreated: "The group policy is created."
        case .policySaved: "The group policy is saved."
        case .policyEnabled: "The group policy is enabled."
        case .policyDisabled: "The group policy is disabled."
        case .policyDeleted: "The group policy is deleted."
        case .userRequirementSaved: "The MFA requirement for this person is saved."
        case .userMFAReset: "Their MFA methods and recovery codes are removed, and their sessions have ended."
        case .userExempted: "The exemption is saved."
        case .userExemptionEnded: "The exemption has ended."
        case .userEnrollmentReset: "Their enrollment period starts again today."
        case .jobRetried: "The job is back in the queue and will be tried again shortly."
        case .usersUpdated: "The change is applied to the people you selected."
        }
    }

    /// `success`, `info` or `error`: the style of the message.
    var kind: String {
        switch self {
        case .signedOut, .mfaDisabled, .smsSent: "success"
        case .challengeExpired, .sessionEnded: "info"
        case .settingsSaved, .enforcementRestored: "success"
        case .policyCreated, .policySaved, .policyEnabled, .policyDisabled, .policyDeleted: "success"
        case .userRequirementSaved, .userMFAReset, .userExempted, .userExemptionEnded, .userEnrollmentReset:
            "success"
        case .jobRetried: "success"
        case .usersUpdated: "success"
        }
    }

    var templateValue: TemplateValue {
        ["kind": .string(kind), "message": .string(message)]
    }
}
