/// One HTTP request for ``HTTPClient/execute(_:)``.
///
/// The client owns message framing: `Content-Length` and `Transfer-Encoding` cannot be set here
/// (RFC 9112 §6), and header names and values are checked for CR, LF and NUL before anything is sent,
/// so a value taken from a job payload cannot inject extra header lines (RFC 9110 §5.5).
public struct HTTPClientRequest: Sendable {
    /// The request method, an RFC 9110 §9 token such as `POST`, `GET`, `PUT` or `DELETE`.
    public var method: String
    /// The absolute `http` or `https` URL to send the request to.
    public var url: String
    /// Header fields in the order they are sent; names are case-insensitive (RFC 9110 §5.1).
    public var headers: [(name: String, value: String)]
    /// The request content, sent verbatim with a `Content-Length`; may be empty.
    public var body: [UInt8]
    /// Overrides ``HTTPClient/Configuration/totalTimeout`` for this request when set.
    public var timeout: Duration?

    /// Creates a request; the method defaults to `POST` because webhook delivery is the main use.
    public init(
        method: String = "POST",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
