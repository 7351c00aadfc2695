/// Turns a request into a response. The server calls it once per request, in order per connection.
///
/// It never throws: the router maps errors to responses, so the server only frames and writes.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A responder made from a closure, for tests and tiny servers.
public struct ClosureResponder: HTTPResponder {
    private let body: @Sendable (HTTPRequest) async -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.body = body
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        await body(request)
    }
}
