/// The final response to an ``HTTPClientRequest``.
///
/// Every status code is a response, never an error: a 3xx comes back with its `Location` header
/// because redirects are never followed, and 4xx/5xx are left to the caller's retry policy.
public struct HTTPClientResponse: Sendable {
    /// The status code of the final (non-1xx) response, RFC 9110 §15.
    public var status: Int
    /// The final response's header fields in received order; interim 1xx responses' fields are dropped.
    public var headers: [(name: String, value: String)]
    /// The response content, at most ``HTTPClient/Configuration/maximumResponseBodySize`` bytes.
    public var body: [UInt8]

    /// Creates a response value.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field called `name`, compared case-insensitively
    /// (RFC 9110 §5.1), or `nil` when the response has no such field.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
