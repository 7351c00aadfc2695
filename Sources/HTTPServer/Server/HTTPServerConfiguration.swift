import Glibc

/// Everything that shapes the HTTP server. Defaults follow SECURITY.md ("HTTP server").
public struct HTTPServerConfiguration: Sendable {
    /// Address to listen on; `0.0.0.0` or `::` for all interfaces.
    public var host: String
    /// Port; 0 picks a free one (tests).
    public var port: Int
    /// Event loop threads; defaults to the number of cores.
    public var eventLoopCount: Int
    /// Request line, head, field count and body limits.
    public var limits: HTTPParserLimits
    /// Time for a request head to arrive from its first byte (or from accept): slowloris defence.
    public var headTimeout: Duration
    /// Time a keep-alive connection may wait for its next request.
    public var idleTimeout: Duration
    /// Longest pause while a request body is arriving.
    public var bodyTimeout: Duration
    /// Longest pause while the client is not reading our response.
    public var writeTimeout: Duration
    /// Open connections allowed at once; more are answered 503 and closed.
    public var maximumConnections: Int
    /// How long a graceful shutdown waits for in-flight requests before closing everything.
    public var shutdownGracePeriod: Duration
    /// Proxy addresses whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
    public var trustedProxies: [String]
    /// Pending-connection queue length for `listen(2)`.
    public var backlog: Int32

    public init(
        host: String = "127.0.0.1", port: Int = 8080, eventLoopCount: Int = HTTPServerConfiguration.coreCount,
        limits: HTTPParserLimits = HTTPParserLimits(), headTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60), bodyTimeout: Duration = .seconds(30),
        writeTimeout: Duration = .seconds(30), maximumConnections: Int = 10_000,
        shutdownGracePeriod: Duration = .seconds(10), trustedProxies: [String] = [], backlog: Int32 = 1024
    ) {
        self.host = host
        self.port = port
        self.eventLoopCount = eventLoopCount
        self.limits = limits
        self.headTimeout = headTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.writeTimeout = writeTimeout
        self.maximumConnections = maximumConnections
        self.shutdownGracePeriod = shutdownGracePeriod
        self.trustedProxies = trustedProxies
        self.backlog = backlog
    }

    /// Online processors.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
