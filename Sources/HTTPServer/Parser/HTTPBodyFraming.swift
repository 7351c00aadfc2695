/// How the request body is delimited on the wire (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// Neither `Content-Length` nor `Transfer-Encoding`: a request then has no body.
    case none
    /// A body of exactly this many bytes (`Content-Length`; may be 0).
    case contentLength(Int)
    /// A body in the chunked transfer coding (RFC 9112 §7.1); the parser de-chunks it.
    case chunked
}
