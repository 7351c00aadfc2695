import Glibc
public import Lifecycle
import Synchronization

/// An HTTP/1.1 server on POSIX sockets: epoll event loops that are Swift task executors, one task
/// per connection, graceful drain on shutdown.
///
/// Use it as a `Service` in a `ServiceGroup` (SIGTERM drains it), or call `start()` / `shutdown()`.
public final class HTTPServer: Service {
    public let name = "http"
    private let shared: ServerShared
    private let state = Mutex<State>(.idle)
    private let stopWaiters = Mutex<(stopped: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    private enum State {
        case idle
        case running(group: EventLoopGroup, listener: Int32, port: Int)
        case stopping
        case stopped
    }

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        shared = ServerShared(configuration: configuration, responder: responder, logger: logger)
    }

    /// The port the server listens on, once started.
    public var port: Int? {
        state.withLock { state in
            if case .running(_, _, let port) = state { return port }
            return nil
        }
    }

    /// Open connections right now.
    public var activeConnections: Int { shared.activeConnections }

    /// True from the moment a graceful shutdown starts: readiness checks report it, so load
    /// balancers stop sending new requests while in-flight ones finish.
    public var isDraining: Bool { shared.isDraining }

    /// Binds the socket and starts the event loops. Returns the bound port.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        let configuration = shared.configuration
        let started = try state.withLock { state throws(HTTPServerError) -> (EventLoopGroup, Int32, Int) in
            guard case .idle = state else { throw HTTPServerError(.notRunning, "the server was already started") }
            let (listener, port) = try SocketAddresses.listen(
                host: configuration.host, port: configuration.port, backlog: configuration.backlog)
            let group: EventLoopGroup
            do throws(HTTPServerError) {
                group = try EventLoopGroup(count: configuration.eventLoopCount)
            } catch {
                close(listener)
                throw error
            }
            state = .running(group: group, listener: listener, port: port)
            return (group, listener, port)
        }
        let (group, listener, port) = started
        let shared = self.shared
        let descriptors = FileDescriptorLimit.raiseToHardLimit()
        // Keep descriptors for the database, log files and outbound webhooks.
        if configuration.maximumConnections > descriptors - 128 {
            shared.logger.warning(
                "the open-file limit caps connections below the configured maximum",
                ["openFileLimit": .int(descriptors), "maximumConnections": .int(configuration.maximumConnections)])
        }
        for loop in group.loops {
            Task(executorPreference: loop) {
                loop.startAccepting(listener: listener) { fd, peer in
                    HTTPServer.accepted(fd: fd, peer: peer, group: group, shared: shared)
                }
            }
        }
        shared.logger.info(
            "listening",
            ["host": .string(configuration.host), "port": .int(port), "eventLoops": .int(group.loops.count)])
        return port
    }

    private static func accepted(fd: Int32, peer: String, group: EventLoopGroup, shared: ServerShared) {
        guard !shared.isDraining, shared.reserveConnection() else {
            // Over the limit: a best-effort 503 on the fresh socket (its buffer is empty), then close.
            let refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = refusal.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(fd)
            return
        }
        let loop = group.next()
        Task(executorPreference: loop) {
            let socket = loop.register(fd: fd)
            await Connection(loop: loop, socket: socket, peer: peer, shared: shared).run()
        }
    }

    // MARK: Service

    /// Starts if needed and returns once the server has shut down.
    public func run() async throws {
        let isIdle = state.withLock { state in
            if case .idle = state { return true }
            return false
        }
        if isIdle { try start() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = stopWaiters.withLock { waiters in
                if waiters.stopped { return true }
                waiters.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Graceful shutdown: stop accepting, close idle keep-alive connections, let in-flight requests
    /// finish (their responses carry `Connection: close`) until the grace period ends, then close
    /// whatever is left and stop the loops.
    public func shutdown() async {
        let running = state.withLock { state -> (EventLoopGroup, Int32)? in
            switch state {
            case .running(let group, let listener, _):
                state = .stopping
                return (group, listener)
            case .idle:
                state = .stopped
                return nil
            case .stopping, .stopped:
                return nil
            }
        }
        guard let (group, listener) = running else {
            markStopped()
            return
        }
        let logger = shared.logger
        logger.info("draining", ["connections": .int(shared.activeConnections)])
        shared.startDraining()
        for loop in group.loops {
            await Task(executorPreference: loop) {
                loop.stopAccepting()
                loop.closeIdleConnections()
            }.value
        }
        close(listener)
        let deadline = ContinuousClock.now + shared.configuration.shutdownGracePeriod
        while shared.activeConnections > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if shared.activeConnections > 0 {
            logger.warning("grace period over; closing connections", ["connections": .int(shared.activeConnections)])
            for loop in group.loops {
                await Task(executorPreference: loop) { loop.abortAllWaits() }.value
            }
            let forceDeadline = ContinuousClock.now + .seconds(1)
            while shared.activeConnections > 0, ContinuousClock.now < forceDeadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        group.shutdown()
        state.withLock { $0 = .stopped }
        logger.info("stopped")
        markStopped()
    }

    private func markStopped() {
        let waiters = stopWaiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            waiters.stopped = true
            let taken = waiters.waiters
            waiters.waiters = []
            return taken
        }
        for waiter in waiters { waiter.resume() }
    }
}
