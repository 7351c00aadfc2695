import Lifecycle
import Synchronization

/// State shared by every connection of one server.
final class ServerShared: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let trustedProxies: Set<String>
    let headTimeout: UInt64
    let idleTimeout: UInt64
    let bodyTimeout: UInt64
    let writeTimeout: UInt64
    private let draining = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.trustedProxies = Set(configuration.trustedProxies)
        headTimeout = configuration.headTimeout.nanoseconds
        idleTimeout = configuration.idleTimeout.nanoseconds
        bodyTimeout = configuration.bodyTimeout.nanoseconds
        writeTimeout = configuration.writeTimeout.nanoseconds
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func startDraining() { draining.store(true, ordering: .relaxed) }

    var activeConnections: Int { connections.load(ordering: .relaxed) }

    /// Reserves a connection slot; false when the server is at its connection limit.
    func reserveConnection() -> Bool {
        let now = connections.wrappingAdd(1, ordering: .relaxed).newValue
        if now > configuration.maximumConnections {
            connections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() { connections.wrappingSubtract(1, ordering: .relaxed) }
}

extension Duration {
    /// Whole nanoseconds (negative durations count as zero).
    var nanoseconds: UInt64 {
        let parts = components
        guard parts.seconds >= 0 else { return 0 }
        return UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
    }
}
