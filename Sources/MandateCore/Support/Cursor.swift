import Crypto

/// Opaque pagination cursors: base64url of the last key of a page.
public enum Cursor {
    public static func encode(_ key: String) -> String {
        Base64URL.encode(Array(key.utf8))
    }

    public static func decode(_ cursor: String) throws(CoreError) -> String {
        guard let bytes = Base64URL.decode(cursor), let key = String(validating: bytes, as: UTF8.self) else {
            throw CoreError.invalid("cursor", "The cursor is not valid; start again from the first page.")
        }
        return key
    }
}
