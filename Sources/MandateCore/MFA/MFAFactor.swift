public import Foundation

/// The kinds of second factor a user can enroll (DESIGN.md §3 "MFA factors").
public enum FactorKind: String, Sendable, CaseIterable {
    /// An authenticator app (RFC 6238).
    case totp
    /// Codes by SMS to a verified phone number.
    case sms
}

/// The ways a sign-in challenge can be answered.
public enum MFAMethod: String, Sendable, CaseIterable {
    case totp
    case sms
    case recoveryCode = "recovery_code"
}

/// One factor of one user. A factor is `pending` from enrollment until one valid code, then `active`.
public struct MFAFactor: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending
        case active
    }

    public var id: String
    public var tenantID: String
    public var userID: String
    public var kind: FactorKind
    public var state: State
    /// The TOTP secret (raw bytes); nil for SMS.
    public var totpSecret: [UInt8]?
    /// The verified (or, while pending, to-be-verified) number; nil for TOTP.
    public var phoneNumber: String?
    /// The last TOTP time step accepted: a step is never accepted twice.
    public var lastUsedStep: Int64?
    public var createdAt: Date
    public var activatedAt: Date?
    public var lastUsedAt: Date?
}

/// What a user has enrolled, for `/api/v1/me/mfa` and the admin views.
public struct MFAOverview: Sendable {
    /// Active factors.
    public var factors: [MFAFactor]
    /// An SMS enrollment waiting for its code, with the delivery state of that code.
    public var pendingSMS: PendingSMS?
    /// Unused recovery codes.
    public var recoveryCodesRemaining: Int

    /// Whether the user is enrolled (DESIGN.md: at least one active TOTP or SMS factor).
    public var isEnrolled: Bool { !factors.isEmpty }
}

/// The delivery of the latest SMS code of an enrollment or a sign-in, as the provider reported it.
public struct PendingSMS: Sendable {
    /// The number, masked except for its last two digits.
    public var maskedPhoneNumber: String
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, `expired` or `dead`.
    public var delivery: String
    /// The provider's error code when it failed.
    public var errorCode: String?
    /// When the code stops being accepted.
    public var expiresAt: Date
    /// When another code may be requested.
    public var resendAvailableAt: Date
    /// Whether the provider reported that the code did not arrive (the user should resend).
    public var deliveryFailed: Bool { delivery == "failed" || delivery == "undelivered" || delivery == "dead" }
}
