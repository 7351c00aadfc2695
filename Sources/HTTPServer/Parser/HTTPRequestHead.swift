/// A parsed request line and header section, with the framing and connection semantics already derived.
public struct HTTPRequestHead: Sendable {
    /// The method token exactly as sent; case-sensitive (RFC 9110 §9.1), not checked against a list.
    public var method: String
    /// The request-target exactly as sent: origin-form, `*` (OPTIONS only), absolute-form, or authority-form
    /// (CONNECT only) (RFC 9112 §3.2).
    public var target: String
    /// The protocol version from the request line.
    public var version: HTTPVersion
    /// The header fields in order, names in their original case, values trimmed of OWS.
    public var headers: HTTPHeaders
    /// How the body is delimited.
    public var framing: HTTPBodyFraming
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive` (and no `close`).
    public var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` on an HTTP/1.1 request that has a body (RFC 9110 §10.1.1)
    /// and waits for `100 Continue` before sending it.
    public var expectsContinue: Bool

    /// Creates a head; the parser fills every field, this is for callers and tests that build one by hand.
    public init(
        method: String,
        target: String,
        version: HTTPVersion,
        headers: HTTPHeaders = HTTPHeaders(),
        framing: HTTPBodyFraming = .none,
        keepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }
}
