import Foundation
import Lifecycle
import MandateCore
import MandateJobs
import Synchronization

/// A handler whose outcome a test decides, recording every job it sees.
struct ScriptedHandler: JobHandler {
    let kind: String
    var retryPolicy = RetryPolicy(baseDelay: .seconds(1), maximumDelay: .seconds(10))
    private let seen = JobLog()
    let outcome: @Sendable (ClaimedJob) async -> JobOutcome

    init(kind: String = "noop", outcome: @escaping @Sendable (ClaimedJob) async -> JobOutcome = { _ in .succeeded }) {
        self.kind = kind
        self.outcome = outcome
    }

    func handle(_ job: ClaimedJob) async -> JobOutcome {
        seen.withLock { $0.append(job) }
        return await outcome(job)
    }

    var jobs: [ClaimedJob] { seen.jobs }
}

/// The jobs a handler saw, shared by its copies.
final class JobLog: Sendable {
    private let storage = Mutex<[ClaimedJob]>([])

    func withLock<T>(_ body: (inout [ClaimedJob]) -> T) -> T { storage.withLock { body(&$0) } }

    var jobs: [ClaimedJob] { storage.withLock { $0 } }
}

/// A job of `kind` with an empty JSON payload.
func noopJob(
    kind: String = "noop", priority: Int? = nil, notAfter: Date? = nil, maxAttempts: Int? = nil, key: String? = nil
) throws -> NewJob {
    try NewJob(
        kind: kind, payloadJSON: Array("{}".utf8), priority: priority, notAfter: notAfter, maxAttempts: maxAttempts,
        idempotencyKey: key)
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// A logger that keeps its lines, to check that nothing went wrong.
func capturingLogger(_ sink: CapturingLogSink, clock: any WallClock = SystemClock()) -> Logger {
    Logger(label: "test", level: .debug, sink: sink, clock: clock)
}
