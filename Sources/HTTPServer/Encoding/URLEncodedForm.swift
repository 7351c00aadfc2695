/// `application/x-www-form-urlencoded` data: query strings and HTML form bodies (WHATWG URL §5).
///
/// Pairs keep their order; a name may repeat. Pairs that fail to decode are dropped and counted in
/// `malformedPairCount`, so a handler can refuse them instead of guessing.
public struct URLEncodedForm: Sendable, Sequence {
    public private(set) var pairs: [(name: String, value: String)] = []
    /// Pairs whose percent-encoding or UTF-8 was invalid.
    public private(set) var malformedPairCount = 0

    /// Parses `text` (a query string without `?`, or a form body).
    public init(_ text: String) {
        guard !text.isEmpty else { return }
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(parts[0], plusAsSpace: true),
                let value = PercentEncoding.decode(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else {
                malformedPairCount += 1
                continue
            }
            pairs.append((name, value))
        }
    }

    /// Parses a form body.
    public init(body: [UInt8]) {
        self.init(String(decoding: body, as: UTF8.self))
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }

    /// Encodes pairs as `name=value&…`.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }
}
