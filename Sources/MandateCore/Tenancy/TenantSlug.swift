/// A tenant's URL-safe handle, typed at sign-in (`acme`).
public enum TenantSlug {
    /// Lower-case letters, digits and single hyphens, 2…40 characters, starting with a letter.
    public static func validate(_ raw: String) throws(CoreError) -> String {
        let slug = raw.lowercased()
        let bytes = Array(slug.utf8)
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
        guard (2...40).contains(bytes.count), allowed, let first = bytes.first,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.last != UInt8(ascii: "-"),
            !slug.contains("--")
        else {
            throw CoreError.invalid(
                "slug",
                "'\(raw.prefix(60))' is not a valid organization handle: use 2–40 lower-case letters, digits and hyphens, starting with a letter."
            )
        }
        return slug
    }
}
