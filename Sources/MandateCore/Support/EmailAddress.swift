import Foundation

/// A normalised email address: trimmed and lower-cased, checked for a plausible shape.
///
/// Deliberately permissive (RFC 5321 allows more than any regex): one `@`, something on both
/// sides, a dot in the domain, no spaces or control characters, at most 254 bytes. Whether it
/// really receives mail is proven by the invitation link, not by syntax.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String) throws(CoreError) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            })
        else {
            throw CoreError.invalid("email", "'\(raw.prefix(80))' is not a valid email address.")
        }
        value = trimmed
    }

    public var description: String { value }
}
