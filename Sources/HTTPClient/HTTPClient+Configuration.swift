extension HTTPClient {
    /// Limits and identity shared by every request of one ``HTTPClient``.
    public struct Configuration: Sendable {
        /// How long establishing the TCP (and TLS) connection may take.
        public var connectTimeout: Duration
        /// How long a whole request may take, connect included; a request's own `timeout` overrides it.
        public var totalTimeout: Duration
        /// How many requests run at once, which is also the number of worker threads at most.
        public var maximumConcurrentRequests: Int
        /// Responses with a larger body fail with ``HTTPClientError/Reason/responseTooLarge``.
        public var maximumResponseBodySize: Int
        /// The `User-Agent` header sent unless a request sets its own (RFC 9110 §10.1.5).
        public var userAgent: String

        /// Creates a configuration; the defaults suit webhook delivery.
        public init(
            connectTimeout: Duration = .seconds(5),
            totalTimeout: Duration = .seconds(15),
            maximumConcurrentRequests: Int = 16,
            maximumResponseBodySize: Int = 1 << 20,
            userAgent: String = "Mandate"
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maximumConcurrentRequests = maximumConcurrentRequests
            self.maximumResponseBodySize = maximumResponseBodySize
            self.userAgent = userAgent
        }
    }
}
