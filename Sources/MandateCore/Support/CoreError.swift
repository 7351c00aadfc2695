/// The one error type of MandateCore: a machine-readable reason and a sentence for a person.
///
/// The web layer maps reasons to HTTP statuses (DESIGN.md §4); the CLI prints the message.
public struct CoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The thing does not exist *in this tenant* (other tenants' ids look the same).
        case notFound
        /// A uniqueness or state conflict: the email is taken, the invitation was used.
        case conflict
        /// Input that is well-formed but not acceptable; `field` names the culprit.
        case validation(field: String)
        /// Not allowed for this principal (`code` is the API error code, e.g. `forbidden`).
        case forbidden(code: String)
        /// The tenant's plan does not include `feature`.
        case planUpgradeRequired(feature: String)
        /// Authentication failed or is missing (never says which part was wrong).
        case unauthenticated
        /// A second-factor answer was refused; `code` tells the client what to do next
        /// (`invalid_code`, `code_expired`, `too_many_attempts`, `challenge_expired`, …).
        case secondFactorRefused(code: String)
        /// Slow down; try again after the given number of seconds.
        case rateLimited(retryAfterSeconds: Int)
        /// A dependency is saturated (the password hashing pool); try again shortly.
        case unavailable(retryAfterSeconds: Int)
        /// A bug or a storage failure; logged, never shown in detail.
        case internalFailure
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    public static func notFound(_ what: String) -> CoreError { CoreError(.notFound, "\(what) was not found.") }

    public static func invalid(_ field: String, _ message: String) -> CoreError {
        CoreError(.validation(field: field), message)
    }

    public static func forbidden(_ message: String, code: String = "forbidden") -> CoreError {
        CoreError(.forbidden(code: code), message)
    }

    /// The plan lacks `feature` (`403 plan_upgrade_required`).
    public static func planUpgradeRequired(_ feature: Feature, _ message: String) -> CoreError {
        CoreError(.planUpgradeRequired(feature: feature.rawValue), message)
    }
}
