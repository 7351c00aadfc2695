import Crypto

/// Random, prefixed identifiers such as `usr_k3q8v0d2mx9t4h7c` (Stripe-style).
///
/// Random rather than sequential so ids reveal neither counts nor order across tenants; the prefix
/// tells a person reading a log or an audit event what kind of thing it names.
public enum Identifier {
    /// `prefix_` + 16 characters of lower-case base32 (80 random bits).
    public static func make(_ prefix: String) -> String {
        prefix + "_" + Base32.encode(SecureRandom.bytes(count: 10), padding: false).lowercased()
    }

}
