/// Turns a request into a response. The server calls it once per request, in order per connection.
///
/// It never throws: the router maps errors to responses, so the server only frames and writes.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
