/// An ordered list of HTTP header fields.
///
/// Duplicates are kept in the order they were received, because some fields (`Set-Cookie`, or any list field
/// split over several lines, RFC 9110 §5.3) are only meaningful as the full sequence. Field names keep their
/// original spelling but are compared ASCII-case-insensitively (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Sequence {
    /// One field: the name as received and its value with surrounding whitespace removed.
    public typealias Element = (name: String, value: String)

    /// The fields in order.
    var fields: [Element]

    /// Creates an empty header list.
    public init() {
        fields = []
    }

    /// Creates a header list holding `pairs` in order, keeping duplicates.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Creates a header list that adopts already-built storage (used by the parser, which reserves exactly).
    init(fields: [Element]) {
        self.fields = fields
    }

    /// Appends a field after all existing ones, even if a field of that name already exists.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Removes every field called `name` (any case) and appends one field `name: value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        fields.append((name: name, value: value))
    }

    /// Removes every field called `name` (any case).
    public mutating func remove(name: String) {
        fields.removeAll { HTTPHeaders.namesMatch($0.name, name) }
    }

    /// The value of the first field called `name` (any case), or nil.
    public subscript(name: String) -> String? {
        for field in fields where HTTPHeaders.namesMatch(field.name, name) {
            return field.value
        }
        return nil
    }

    /// The values of every field called `name` (any case), in order.
    public func values(for name: String) -> [String] {
        var result: [String] = []
        for field in fields where HTTPHeaders.namesMatch(field.name, name) {
            result.append(field.value)
        }
        return result
    }

    /// Whether at least one field is called `name` (any case).
    public func contains(name: String) -> Bool {
        fields.contains { HTTPHeaders.namesMatch($0.name, name) }
    }

    /// The number of fields, counting duplicates.
    public var count: Int { fields.count }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// ASCII case-insensitive comparison; field names are tokens, so no Unicode folding applies (RFC 9110 §5.1).
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return left.elementsEqual(right) { HTTPParserBytes.lowercased($0) == HTTPParserBytes.lowercased($1) }
    }
}
