import Foundation
import Glibc
import Lifecycle
import Synchronization
import Testing

/// A service that records when it runs and stops.
final class RecordingService: Service {
    let name: String
    private let journal: Journal
    private let stopped = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let stopRequested = Mutex(false)
    private let drainTime: Duration

    init(name: String, journal: Journal, drainTime: Duration = .zero) {
        self.name = name
        self.journal = journal
        self.drainTime = drainTime
    }

    func run() async throws {
        journal.append("start \(name)")
        await withCheckedContinuation { continuation in
            let already = stopRequested.withLock { requested in
                if !requested { stopped.withLock { $0 = continuation } }
                return requested
            }
            if already { continuation.resume() }
        }
        try? await Task.sleep(for: drainTime)
        journal.append("stop \(name)")
    }

    func shutdown() async {
        journal.append("shutdown \(name)")
        let continuation = stopRequested.withLock { requested -> CheckedContinuation<Void, Never>? in
            requested = true
            return stopped.withLock { value in
                let taken = value
                value = nil
                return taken
            }
        }
        continuation?.resume()
    }
}

final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

struct FailingService: Service {
    let name = "failing"
    struct Boom: Error {}
    func run() async throws {
        try await Task.sleep(for: .milliseconds(50))
        throw Boom()
    }
    func shutdown() async {}
}

@Suite("Service group", .serialized)
struct ServiceGroupTests {
    let logger = Logger(label: "test", level: .critical)

    @Test("a signal shuts services down in reverse order")
    func reverseOrderOnSignal() async throws {
        let journal = Journal()
        let group = ServiceGroup(
            services: [
                RecordingService(name: "database", journal: journal),
                RecordingService(name: "http", journal: journal),
            ], signals: [SIGUSR1], logger: logger)
        async let run: Void = group.run()
        try await Task.sleep(for: .milliseconds(100))
        kill(getpid(), SIGUSR1)
        try await run
        let stops = journal.all.filter { $0.hasPrefix("shutdown") || $0.hasPrefix("stop") }
        #expect(stops == ["shutdown http", "stop http", "shutdown database", "stop database"])
    }

    @Test("a failing service stops the others and its error is rethrown")
    func failurePropagates() async throws {
        let journal = Journal()
        let group = ServiceGroup(
            services: [RecordingService(name: "workers", journal: journal), FailingService()], signals: [SIGUSR2],
            logger: logger)
        await #expect(throws: FailingService.Boom.self) { try await group.run() }
        #expect(journal.all.contains("stop workers"))
    }

    @Test("services that overrun the grace period are cancelled")
    func deadline() async throws {
        let journal = Journal()
        let group = ServiceGroup(
            services: [RecordingService(name: "slow", journal: journal, drainTime: .seconds(30))], signals: [SIGUSR1],
            gracePeriod: .milliseconds(200), logger: logger)
        let started = Date()
        async let run: Void = group.run()
        try await Task.sleep(for: .milliseconds(100))
        kill(getpid(), SIGUSR1)
        try await run
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
