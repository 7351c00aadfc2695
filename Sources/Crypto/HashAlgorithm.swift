import CLibCrypto

/// Hash functions offered by this module, for digests, HMAC, HOTP and TOTP.
public enum HashAlgorithm: Sendable, Hashable, CaseIterable {
    /// SHA-1 (20-byte output). Only for HMAC-based protocols that require it, such as RFC 4226 HOTP
    /// and the default RFC 6238 TOTP that authenticator apps expect; never for collision resistance.
    case sha1
    /// SHA-256 (32-byte output).
    case sha256
    /// SHA-512 (64-byte output).
    case sha512

    /// Length of the digest in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// The name used by otpauth URIs (`SHA1`, `SHA256`, `SHA512`).
    public var otpauthName: String {
        switch self {
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }

    /// libcrypto's static description of the digest (never freed: EVP_sha*() return built-in tables).
    var evpMessageDigest: OpaquePointer? {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
    }
}
