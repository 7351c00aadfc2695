import Foundation

/// The password rules of SECURITY.md (NIST SP 800-63B): a length range counted in Unicode code
/// points after NFKC normalisation, a blocklist, and no password equal to the email or the tenant
/// name. No composition rules, no truncation.
public struct PasswordPolicy: Sendable {
    /// Never lower than this, whatever a tenant sets.
    public static let minimumLengthFloor = 8
    /// The longest accepted password, in code points.
    public static let maximumLength = 128
    /// Anything longer in bytes is refused before it is even normalised (a 1 MB password costs nothing).
    public static let maximumBytes = 1024

    public var minimumLength: Int
    public let blocklist: PasswordBlocklist

    public init(minimumLength: Int = PasswordPolicy.minimumLengthFloor, blocklist: PasswordBlocklist) {
        self.minimumLength = max(Self.minimumLengthFloor, min(minimumLength, Self.maximumLength))
        self.blocklist = blocklist
    }

    /// Normalises a password for hashing and comparison (NFKC, UTF-8), refusing oversized input
    /// first. Used for sign-in too, so that the same password typed on another keyboard matches.
    public static func normalize(_ password: String) throws(CoreError) -> [UInt8] {
        guard password.utf8.count <= maximumBytes else {
            throw CoreError.invalid("password", "Passwords can be at most \(maximumLength) characters long.")
        }
        return Array(password.precomposedStringWithCompatibilityMapping.utf8)
    }

    /// Checks a new password and returns its normalised bytes, ready to hash.
    public func validate(_ password: String, email: String, tenantName: String, tenantSlug: String) throws(CoreError)
        -> [UInt8]
    {
        let normalized = try Self.normalize(password)
        let text = String(decoding: normalized, as: UTF8.self)
        let length = text.unicodeScalars.count
        guard length >= minimumLength else {
            throw CoreError.invalid("password", "Passwords must be at least \(minimumLength) characters long.")
        }
        guard length <= Self.maximumLength else {
            throw CoreError.invalid("password", "Passwords can be at most \(Self.maximumLength) characters long.")
        }
        guard !blocklist.contains(text) else {
            throw CoreError.invalid(
                "password", "This password is one of the most commonly used passwords. Please choose another.")
        }
        let lowered = text.lowercased()
        let emailLower = email.lowercased()
        let localPart = emailLower.split(separator: "@").first.map(String.init) ?? emailLower
        if lowered == emailLower || lowered.contains(emailLower) || lowered == localPart {
            throw CoreError.invalid("password", "The password must not be your email address.")
        }
        let name = tenantName.lowercased()
        if (!name.isEmpty && lowered == name) || lowered == tenantSlug.lowercased() {
            throw CoreError.invalid("password", "The password must not be the organization's name.")
        }
        return normalized
    }
}
