import Crypto

/// A bearer secret (session token, API key, invitation token): 256 random bits, shown once, stored
/// only as its SHA-256. The prefix (`mds_`, `mdk_`, `mdi_`) tells what a leaked string is, so
/// secret scanners and people can act on it.
public struct SecretToken: Sendable, Equatable {
    public let value: String

    public static let sessionPrefix = "mds_"
    public static let apiKeyPrefix = "mdk_"
    public static let invitationPrefix = "mdi_"

    /// A fresh token with `prefix`.
    public static func make(prefix: String) -> SecretToken {
        SecretToken(value: prefix + SecureRandom.token(byteCount: 32))
    }

    init(value: String) {
        self.value = value
    }

    /// What the database stores.
    public var hash: [UInt8] { Self.hash(value) }

    /// The SHA-256 of a presented token. Presented strings longer than any real token hash to a
    /// value no real token has, so they simply match nothing.
    public static func hash(_ presented: String) -> [UInt8] {
        Digest.sha256(Array(presented.utf8.prefix(256)))
    }
}
