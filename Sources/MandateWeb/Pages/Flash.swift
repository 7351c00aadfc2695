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
        case .usersUpdated: "The change is applied to the people you selected."
        }
    }

    /// `success`, `info` or `error`: the style of the message.
    var kind: String {
        switch self {
        case .signedOut, .mfaDisabled, .smsSent: "success"
        case .challengeExpired, .sessionEnded: "info"
        case .settingsSaved, .enforcementRestored: "success"
        case .usersUpdated: "success"
        }
    }

    var templateValue: TemplateValue {
        ["kind": .string(kind), "message": .string(message)]
    }
}
