/// Size limits that bound the memory and work one request may cost (SECURITY: request smuggling and DoS).
public struct HTTPParserLimits: Sendable {
    /// Longest request line (method, target and version, without CRLF) accepted; longer → 414.
    public var maxRequestLineLength = 8192
    /// Longest head (request line and field lines with their CRLFs and the empty line) accepted; longer → 431.
    /// Trailer fields of a chunked body are counted against the same budget.
    public var maxHeadLength = 16384
    /// Most header fields accepted (trailer fields included); more → 431.
    public var maxHeaderCount = 100
    /// Largest body accepted; larger → 413, at head time for `Content-Length`, at the chunk that exceeds it for
    /// chunked bodies.
    public var maxBodyLength = 1_048_576

    /// Creates limits; every parameter defaults to the value above. Negative values are treated as 0.
    public init(
        maxRequestLineLength: Int = 8192,
        maxHeadLength: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyLength: Int = 1_048_576
    ) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeadLength = maxHeadLength
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyLength = maxBodyLength
    }
}
