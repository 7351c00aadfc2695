/// Why a request was rejected: the status to answer with before closing the connection, and a short reason.
///
/// After throwing one of these the parser is poisoned: the connection must be closed after the error response,
/// because nothing after a rejected request can be trusted to start a new one (request smuggling).
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status: 400, 413, 414, 431, 501 or 505.
    public var status: Int
    /// Short human text, e.g. "both Content-Length and Transfer-Encoding".
    public var reason: String
    /// The machine-readable cause.
    public var kind: Kind

    /// Creates an error; `kind` defaults to `.unspecified` for errors not produced by the parser.
    public init(status: Int, reason: String, kind: Kind = .unspecified) {
        self.status = status
        self.reason = reason
        self.kind = kind
    }

    /// Creates the parser's error for `kind`, with the status that kind maps to.
    init(_ kind: Kind, _ reason: String) {
        self.init(status: kind.status, reason: reason, kind: kind)
    }

    /// "`status` `reason`", e.g. "400 both Content-Length and Transfer-Encoding".
    public var description: String { "\(status) \(reason)" }
}

extension HTTPParseError {
    /// The machine-readable cause of an `HTTPParseError`.
    public enum Kind: Sendable, Equatable {
        /// The request line is not `method SP request-target SP HTTP-version` (RFC 9112 §3).
        case invalidRequestLine
        /// The request-target contains a forbidden byte or has a form the method does not allow (RFC 9112 §3.2).
        case invalidTarget
        /// The HTTP-version is not `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3).
        case invalidVersion
        /// A well-formed version other than HTTP/1.0 or HTTP/1.1 (505, RFC 9110 §15.6.6).
        case unsupportedVersion
        /// The request line is longer than `maxRequestLineLength` (414).
        case requestLineTooLong
        /// The head or the trailer section is longer than `maxHeadLength` (431).
        case headTooLarge
        /// More fields than `maxHeaderCount` (431).
        case tooManyFields
        /// More empty lines before the request line than tolerated (RFC 9112 §2.2).
        case tooManyEmptyLines
        /// A CR not followed by LF (RFC 9112 §2.2).
        case bareCarriageReturn
        /// An LF not preceded by CR; this parser accepts only CRLF as line terminator (RFC 9112 §2.2).
        case bareLineFeed
        /// A field line starting with whitespace: obsolete line folding (RFC 9112 §5.2).
        case obsoleteLineFolding
        /// Whitespace between a field name and its colon (RFC 9112 §5.1).
        case whitespaceBeforeColon
        /// An empty field name, a non-token byte in it, or a field line without a colon (RFC 9110 §5.1).
        case invalidFieldName
        /// A NUL or other control character in a field value (RFC 9110 §5.5).
        case invalidFieldValue
        /// An HTTP/1.1 request without a Host field (RFC 9112 §3.2).
        case missingHost
        /// More than one Host field line (RFC 9112 §3.2).
        case multipleHosts
        /// A Host value that is not `uri-host [":" port]` (RFC 9112 §3.2).
        case invalidHost
        /// Both Content-Length and Transfer-Encoding: a smuggling vector (RFC 9112 §6.1).
        case contentLengthWithTransferEncoding
        /// More than one Content-Length field line or a list value (RFC 9112 §6.3).
        case multipleContentLengths
        /// A Content-Length that is not 1*DIGIT within Int (RFC 9110 §8.6).
        case invalidContentLength
        /// A Transfer-Encoding whose final coding is not chunked, or a malformed coding list (RFC 9112 §6.1).
        case invalidTransferEncoding
        /// Transfer-Encoding on an HTTP/1.0 request (RFC 9112 §6.1).
        case transferEncodingInHTTP10
        /// A coding other than chunked before the final chunked: none are decoded here (501).
        case unsupportedTransferCoding
        /// A chunk size that is not 1*HEXDIG within Int, or a malformed chunk-size line (RFC 9112 §7.1).
        case invalidChunkSize
        /// A chunk-size line whose extensions exceed the bound.
        case chunkExtensionTooLong
        /// Chunk data not followed by CRLF (RFC 9112 §7.1).
        case invalidChunkTerminator
        /// A body longer than `maxBodyLength` (413).
        case bodyTooLarge
        /// An error not produced by the parser.
        case unspecified

        /// The response status this kind of error calls for.
        var status: Int {
            switch self {
            case .requestLineTooLong: 414
            case .headTooLarge, .tooManyFields: 431
            case .bodyTooLarge: 413
            case .unsupportedTransferCoding: 501
            case .unsupportedVersion: 505
            default: 400
            }
        }
    }
}
