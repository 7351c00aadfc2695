/// What `HTTPRequestParser.next()` produces: for every request exactly one `.head`, then exactly one `.complete`.
public enum HTTPParserEvent: Sendable {
    /// The request line and header fields; always the first event of a request.
    case head(HTTPRequestHead)
    /// The whole body, de-chunked (empty when the request has none); always the second event of a request.
    case complete(body: [UInt8])
}
