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

    /// Whether `value` looks like an id with `prefix` (cheap shape check before a lookup).
    public static func isWellFormed(_ value: String, prefix: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count == prefix.utf8.count + 17, value.hasPrefix(prefix + "_") else { return false }
        return utf8.dropFirst(prefix.utf8.count + 1).allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains(byte)
        }
    }
}
