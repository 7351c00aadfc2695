/// Column names of a statement's result, shared by every ``Row`` it produces so that a row costs
/// one array of values and nothing more.
@usableFromInline
final class RowLayout: Sendable {
    /// Column names in result order.
    let names: [String]
    /// The SQL that produced the rows, for error messages.
    let sql: String?
    /// The first column with each name (later duplicates, e.g. `a.id, b.id`, need the index).
    private let indexByName: [String: Int]

    init(names: [String], sql: String?) {
        self.names = names
        self.sql = sql
        var indexByName: [String: Int] = [:]
        indexByName.reserveCapacity(names.count)
        for (index, name) in names.enumerated() where indexByName[name] == nil {
            indexByName[name] = index
        }
        self.indexByName = indexByName
    }

    /// The index of the column called `name`. SQLite identifiers are ASCII case-insensitive, so an
    /// exact match is tried first and a case-insensitive one second.
    @usableFromInline
    func index(of name: String) -> Int? {
        if let index = indexByName[name] {
            return index
        }
        return names.firstIndex { Self.asciiCaseInsensitiveEqual($0, name) }
    }

    private static func asciiCaseInsensitiveEqual(_ left: String, _ right: String) -> Bool {
        var leftBytes = left.utf8.makeIterator()
        var rightBytes = right.utf8.makeIterator()
        while true {
            switch (leftBytes.next(), rightBytes.next()) {
            case (nil, nil):
                return true
            case (let l?, let r?):
                if lowercased(l) != lowercased(r) { return false }
            default:
                return false
            }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte + 32 : byte
    }
}
