/// A path trie mapping segments to per-method handlers.
///
/// `@unchecked Sendable`: nodes are built once inside `RouterResponder.init` and never mutated
/// afterwards; all later access is read-only.
final class RouteNode<Entry>: @unchecked Sendable {
    var staticChildren: [String: RouteNode] = [:]
    var parameterChild: (name: String, node: RouteNode)?
    var entries: [HTTPMethod: Entry] = [:]

    init() {}

    /// Inserts `entry` at the node for `pattern`; returns false on a conflicting parameter name.
    func insert(pattern: String, method: HTTPMethod, entry: Entry) -> Bool {
        var node = self
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix(":") {
                let name = String(segment.dropFirst())
                if let existing = node.parameterChild {
                    guard existing.name == name else { return false }
                    node = existing.node
                } else {
                    let child = RouteNode()
                    node.parameterChild = (name, child)
                    node = child
                }
            } else {
                let key = String(segment)
                if let child = node.staticChildren[key] {
                    node = child
                } else {
                    let child = RouteNode()
                    node.staticChildren[key] = child
                    node = child
                }
            }
        }
        node.entries[method] = entry
        return true
    }

    enum Match {
        case found(Entry, RouteParameters)
        case methodNotAllowed([HTTPMethod])
        case notFound
        case malformedPath
    }

    /// Finds the entry for `method` at `path` (percent-encoded), static segments first.
    func match(method: HTTPMethod, path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var parameters = RouteParameters()
        var malformed = false
        guard let node = find(segments[...], &parameters, &malformed) else {
            return malformed ? .malformedPath : .notFound
        }
        if let entry = node.entries[method] { return .found(entry, parameters) }
        if method == .head, let entry = node.entries[.get] { return .found(entry, parameters) }
        if node.entries.isEmpty { return .notFound }
        var allowed = Array(node.entries.keys)
        if node.entries[.get] != nil, node.entries[.head] == nil { allowed.append(.head) }
        return .methodNotAllowed(allowed.sorted { $0.rawValue < $1.rawValue })
    }

    private func find(
        _ segments: ArraySlice<Substring>, _ parameters: inout RouteParameters, _ malformed: inout Bool
    ) -> RouteNode? {
        guard let first = segments.first else { return entries.isEmpty ? nil : self }
        let rest = segments.dropFirst()
        if let child = staticChildren[String(first)], let found = child.find(rest, &parameters, &malformed) {
            return found
        }
        if let (name, child) = parameterChild {
            guard let value = PercentEncoding.decode(first) else {
                malformed = true
                return nil
            }
            var attempt = parameters
            attempt.append(name: name, value: value)
            if let found = child.find(rest, &attempt, &malformed) {
                parameters = attempt
                return found
            }
        }
        return nil
    }
}
