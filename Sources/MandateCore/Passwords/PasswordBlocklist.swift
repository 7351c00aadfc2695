public import Foundation

/// Passwords too common to allow (SECURITY.md: the 30,000 entries of `Fixtures/common-passwords.txt`).
public struct PasswordBlocklist: Sendable {
    private let entries: Set<String>

    public init(entries: some Sequence<String>) {
        self.entries = Set(entries.map { $0.lowercased() })
    }

    /// Loads one password per line (blank lines ignored).
    public static func load(from url: URL) throws(CoreError) -> PasswordBlocklist {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CoreError.invalid(
                "blocklist", "cannot read the password blocklist at \(url.path): \(error.localizedDescription)")
        }
        return PasswordBlocklist(
            entries: text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
    }

    public var count: Int { entries.count }

    /// Whether `password` (already normalised) is on the list, ignoring case.
    public func contains(_ password: String) -> Bool {
        entries.contains(password.lowercased())
    }
}
