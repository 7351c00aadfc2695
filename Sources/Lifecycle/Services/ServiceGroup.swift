public import Glibc

/// Runs services together and stops them in order.
///
/// Services start in the order given. The first of: a shutdown signal, a service finishing on its
/// own, or a service failing starts the group shutdown: each still-running service is asked to stop
/// in **reverse** order (the HTTP server drains before the workers, which finish before the
/// database closes), and each gets until the shared deadline. When the deadline passes, or a second
/// signal arrives, the remaining services are cancelled.
public struct ServiceGroup: Sendable {
    private let services: [any Service]
    private let signals: [Int32]
    private let gracePeriod: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - signals: signals that start a graceful shutdown (SIGTERM and SIGINT by default).
    ///   - gracePeriod: how long the whole ordered shutdown may take before services are cancelled.
    public init(
        services: [any Service], signals: [Int32] = [SIGTERM, SIGINT], gracePeriod: Duration = .seconds(30),
        logger: Logger
    ) {
        self.services = services
        self.signals = signals
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    private enum Event: Sendable {
        case signal(Int32)
        case finished(index: Int, error: (any Error)?)
        case deadline
    }

    /// Runs every service until the group has shut down. Rethrows the first service error.
    public func run() async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let watcher = SignalWatcher(signals: signals) { continuation.yield(.signal($0)) }
        defer { watcher.stop() }
        var firstError: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            for (index, service) in services.enumerated() {
                group.addTask {
                    do {
                        try await service.run()
                        continuation.yield(.finished(index: index, error: nil))
                    } catch {
                        continuation.yield(.finished(index: index, error: error))
                    }
                }
            }
            var iterator = events.makeAsyncIterator()
            var finished = Set<Int>()
            func record(_ index: Int, _ error: (any Error)?) {
                finished.insert(index)
                let name = services[index].name
                if let error {
                    logger.error("service failed", ["service": .string(name), "error": .string("\(error)")])
                    if firstError == nil { firstError = error }
                } else {
                    logger.info("service stopped", ["service": .string(name)])
                }
            }

            // Phase 1: wait for the trigger.
            if !services.isEmpty {
                trigger: while let event = await iterator.next() {
                    switch event {
                    case .signal(let number):
                        logger.notice("shutdown signal received", ["signal": .int(Int(number))])
                        break trigger
                    case .finished(let index, let error):
                        record(index, error)
                        break trigger
                    case .deadline:
                        continue
                    }
                }
            }

            // Phase 2: ordered shutdown against one deadline.
            let deadline = Task {
                try? await Task.sleep(for: gracePeriod)
                if !Task.isCancelled { continuation.yield(.deadline) }
            }
            var forced = false
            for index in services.indices.reversed() where !finished.contains(index) {
                if forced { break }
                await services[index].shutdown()
                while !finished.contains(index), !forced, let event = await iterator.next() {
                    switch event {
                    case .finished(let other, let error): record(other, error)
                    case .deadline:
                        logger.error("shutdown deadline passed; cancelling", ["graceSeconds": .int(seconds)])
                        forced = true
                    case .signal:
                        logger.warning("second signal; cancelling remaining services")
                        forced = true
                    }
                }
            }
            if forced { group.cancelAll() }
            deadline.cancel()
            // Children end now (finished, or cancelled); drain their last events.
            await group.waitForAll()
            continuation.finish()
            while let event = await iterator.next() {
                if case .finished(let index, let error) = event, !finished.contains(index) { record(index, error) }
            }
        }
        if let firstError { throw firstError }
    }

    private var seconds: Int { Int(gracePeriod.components.seconds) }
}
