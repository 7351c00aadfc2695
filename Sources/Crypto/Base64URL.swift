/// Base64 with the URL- and filename-safe alphabet (RFC 4648 §5), without padding.
public enum Base64URL {
    /// Encodes `bytes` with `-` and `_` in place of `+` and `/` and no `=` padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        Base64Text.encodeUnpadded(bytes, urlSafe: true)
    }

    /// Decodes base64url text. Padding is optional but must be correct when present.
    ///
    /// Returns nil for characters outside the URL-safe alphabet (including `+` and `/`), an impossible
    /// length, or non-zero unused trailing bits, so that every byte string has exactly one accepted
    /// encoding.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Text.decode(text, urlSafe: true)
    }
}
