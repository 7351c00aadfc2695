/// Path parameters of a matched route, percent-decoded.
public struct RouteParameters: Sendable {
    private var pairs: [(name: String, value: String)] = []

    public init() {}

    mutating func append(name: String, value: String) {
        pairs.append((name, value))
    }

    /// The value of `:name`, if the route has it.
    public subscript(name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }

    /// The value of `:name`, or a 400 when absent.
    public func require(_ name: String) throws(HTTPError) -> String {
        guard let value = self[name] else {
            throw HTTPError.badRequest("Missing path parameter '\(name)'.", code: "missing_parameter")
        }
        return value
    }

    /// The value of `:name` converted to `T`. A value that does not convert is a 404: the resource
    /// `/users/abc` simply does not exist when ids are numbers.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type) throws(HTTPError) -> T {
        guard let value = T(try require(name)) else { throw HTTPError.notFound() }
        return value
    }
}
