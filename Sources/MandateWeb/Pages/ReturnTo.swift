import HTTPServer

/// The `returnTo` of a sign-in: where to land afterwards (SECURITY.md: "`returnTo` only accepts
/// relative paths starting with a single `/`").
enum ReturnTo {
    /// The longest path kept; longer ones are ignored rather than cut.
    static let maximumLength = 2048

    /// `text` when it is a path on this site, otherwise nil.
    ///
    /// Refused: anything not starting with `/`; `//host` (a scheme-relative URL, off-site); any
    /// backslash (browsers read `/\host` as `//host`); control characters and non-ASCII bytes
    /// (header injection, look-alike hosts); the sign-in and sign-out pages themselves (loops).
    static func validated(_ text: String?) -> String? {
        guard let text, text.utf8.count <= maximumLength, text.hasPrefix("/"), !text.hasPrefix("//") else {
            return nil
        }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else { return nil }
        let path = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !path.hasPrefix("/sign-in"), path != "/sign-out" else { return nil }
        return text
    }

    /// `path` with `?returnTo=…` appended when there is a place to return to.
    static func appending(_ returnTo: String?, to path: String) -> String {
        guard let returnTo = validated(returnTo) else { return path }
        return path + "?" + URLEncodedForm.encode([("returnTo", returnTo)])
    }
}
