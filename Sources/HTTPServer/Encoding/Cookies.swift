/// The cookies a client sent in its `Cookie` header (RFC 6265 §5.4).
public struct Cookies: Sendable {
    private var values: [String: String] = [:]

    /// Parses `name=value; name2=value2`. The first occurrence of a name wins, as browsers send the
    /// most specific cookie first.
    public init(header: String?) {
        guard let header else { return }
        for piece in header.split(separator: ";") {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingASCIISpaces()
            var value = parts[1].trimmingASCIISpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !name.isEmpty, values[name] == nil else { continue }
            values[name] = value
        }
    }

    public subscript(name: String) -> String? { values[name] }

    public var count: Int { values.count }
}
