/// Where a request came from, for sessions and the audit log.
public struct RequestOrigin: Sendable {
    public var ipAddress: String?
    public var userAgent: String?

    public init(ipAddress: String? = nil, userAgent: String? = nil) {
        self.ipAddress = ipAddress
        self.userAgent = userAgent.map { String($0.prefix(256)) }
    }

    public static let commandLine = RequestOrigin(ipAddress: nil, userAgent: "mandate-cli")
}
