/// The single error type of the HTTPClient module.
///
/// `reason` is for code (retry decisions), `message` is for people and logs; for transport failures
/// it carries curl's own error-buffer text. Messages never contain the request URL, because webhook
/// URLs may carry secrets in their query.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable classification of a failure.
    public enum Reason: Sendable, Hashable {
        /// The URL could not be parsed or has no host.
        case invalidURL
        /// The URL's scheme is not `http` or `https`.
        case unsupportedScheme
        /// The method or a header field is malformed, or sets a framing header the client owns.
        case invalidRequest
        /// The host name could not be resolved.
        case couldNotResolveHost
        /// The TCP connection was refused or otherwise could not be made.
        case connectionFailed
        /// The TLS handshake or certificate verification failed.
        case tlsFailed
        /// The connect timeout or the total timeout expired.
        case timedOut
        /// The response body exceeded ``HTTPClient/Configuration/maximumResponseBodySize``.
        case responseTooLarge
        /// The client was shut down before or while the request ran.
        case shutdown
        /// The calling task was cancelled before or while the request ran.
        case cancelled
        /// The client could not start a worker thread or create a curl handle.
        case resourceUnavailable
        /// Any other libcurl failure, with its `CURLcode`.
        case transport(code: Int32)
    }

    /// Why the request failed.
    public var reason: Reason
    /// A human-readable explanation, including curl's error text where there is one.
    public var message: String

    /// Creates an error value.
    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    /// `reason: message`, for logs.
    public var description: String {
        "HTTPClientError(\(reason)): \(message)"
    }
}

extension HTTPClientError {
    static var cancelledError: HTTPClientError {
        HTTPClientError(reason: .cancelled, message: "the request's task was cancelled")
    }

    static var shutdownError: HTTPClientError {
        HTTPClientError(reason: .shutdown, message: "the HTTP client has been shut down")
    }
}
