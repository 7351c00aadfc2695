public import Foundation
public import Lifecycle
import SQLite
public import Storage
import Synchronization

/// Runs periodic tasks (sweeps, reminders, purges) exactly once per period across every
/// process that shares the database.
///
/// Each period is claimed by inserting `(task, period_start)` into `scheduler_runs` in a write
/// transaction; the primary key lets exactly one scheduler win, the others see the row and skip.
///
/// **Several machines (PostgreSQL):** their clocks disagree a little, so near a period boundary
/// one instance may still be in period P while another is already in P+1. The row alone would
/// let both run (P and P+1 are different rows), twice within a moment. So on PostgreSQL the
/// claim transaction also takes `pg_try_advisory_xact_lock` on a key derived from the task's
/// name (``advisoryLockKey(task:)``), which makes the claims of one task take turns without
/// waiting, and under that lock refuses a period older than one already claimed. Of two
/// instances racing across a boundary, one runs and the other skips: at the same time, the
/// lock's loser skips (and looks again at its next tick); one after the other, the late
/// instance finds the newer period claimed. SQLite needs neither: its processes share one
/// machine's clock and its one writer already runs claims one at a time.
///
/// **Catch-up rule:** a scheduler only ever claims the period that contains "now". A process
/// that was down during several periods runs the task once when it is back (for the current
/// period, at once, even mid-period), not once per missed period; tasks are written to catch up
/// on everything due (sweeps select by time, not by period). A claimed run that crashes halfway
/// is not retried within its period: the next period's run catches up.
public final class Scheduler: Service {
    /// `scheduler`.
    public let name = "scheduler"

    private struct Registration: Sendable {
        var name: String
        var schedule: Schedule
        var run: @Sendable (Date) async throws -> Void
    }

    private struct State {
        var tasks: [Registration] = []
        /// The last period each task tried to claim, so an idle tick costs no database write.
        var lastAttempted: [String: Date] = [:]
        var isStopping = false
    }

    private let database: Database
    private let clock: any WallClock
    private let ownerID: String
    private let logger: Logger
    private let checkInterval: Duration
    private let state = Mutex(State())
    private let wake = WakeSignal()

    /// A scheduler on `database` (migrated with the outbox schema).
    ///
    /// - Parameter checkInterval: the longest sleep between checks; a new period is noticed at
    ///   most this late (and a wall clock that jumps is noticed too).
    public init(
        database: Database, clock: any WallClock = SystemClock(), ownerID: String = WorkerPool.makeOwnerID(),
        logger: Logger, checkInterval: Duration = .seconds(5)
    ) {
        self.database = database
        self.clock = clock
        self.ownerID = ownerID
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// Adds a task. `run` gets the start of the period it runs for; it should do everything
    /// due up to now (see the catch-up rule). Register before ``run()``.
    ///
    /// - Throws: ``JobQueueError`` `invalidConfiguration` for a duplicate name or a period shorter
    ///   than a millisecond.
    public func register(
        task name: String, schedule: Schedule, run: @escaping @Sendable (Date) async throws -> Void
    ) throws(JobQueueError) {
        guard schedule.periodStart(containing: clock.now()) != nil else {
            throw JobQueueError(.invalidConfiguration, "the schedule of task '\(name)' has no usable period")
        }
        let added = state.withLock { state -> Bool in
            guard !state.tasks.contains(where: { $0.name == name }) else { return false }
            state.tasks.append(Registration(name: name, schedule: schedule, run: run))
            return true
        }
        guard added else {
            throw JobQueueError(.invalidConfiguration, "a scheduled task named '\(name)' is already registered")
        }
    }

    /// Adds a task that runs once per `period` (periods aligned on the Unix epoch).
    ///
    /// - Throws: ``JobQueueError`` `invalidConfiguration` (see ``register(task:schedule:run:)``).
    public func register(
        task name: String, every period: Duration, run: @escaping @Sendable (Date) async throws -> Void
    ) throws(JobQueueError) {
        try register(task: name, schedule: .every(period), run: run)
    }

    /// Claims and runs every task whose current period nobody has claimed yet; returns the
    /// names of the tasks this call ran. Tasks run one after the other.
    @discardableResult
    public func runDueTasks() async -> [String] {
        let now = clock.now()
        let candidates = state.withLock { state -> [(Registration, Date)] in
            state.tasks.compactMap { task in
                guard let start = task.schedule.periodStart(containing: now),
                    state.lastAttempted[task.name] != start
                else { return nil }
                return (task, start)
            }
        }
        var ran: [String] = []
        for (task, periodStart) in candidates {
            let claim: Claim
            do {
                claim = try await self.claim(task: task.name, periodStart: periodStart)
            } catch {
                // Not recorded as attempted: the next tick tries again.
                logger.error(
                    "cannot claim a scheduled run", ["task": .string(task.name), "error": .string("\(error)")])
                continue
            }
            // Another instance is claiming this task right now: look again at the next tick.
            if claim == .busy { continue }
            state.withLock { $0.lastAttempted[task.name] = periodStart }
            guard claim == .claimed else { continue }
            ran.append(task.name)
            await execute(task, periodStart: periodStart)
        }
        return ran
    }

    private enum Claim {
        /// This scheduler runs the period.
        case claimed
        /// Someone else has it (or, on PostgreSQL, a later period is already claimed).
        case taken
        /// On PostgreSQL: another instance holds the task's claim lock at this moment.
        case busy
    }

    private func claim(task: String, periodStart: Date) async throws -> Claim {
        let clock = self.clock
        let ownerID = self.ownerID
        let lockKey = Self.advisoryLockKey(task: task)
        // Read committed on PostgreSQL: each statement sees what was committed before it, so the
        // check made under the lock sees every claim that held the lock before this one.
        return try await database.write(isolation: .readCommitted) { connection in
            if let tryLock = connection.dialect.tryTransactionLock("?") {
                guard try connection.queryOne(tryLock, lockKey)?.decode(0, as: Int.self) == 1 else { return .busy }
                let later = try connection.queryOne(
                    "SELECT 1 FROM scheduler_runs WHERE task = ? AND period_start > ?", task, periodStart)
                if later != nil { return .taken }
            }
            let inserted = try connection.run(
                """
                INSERT INTO scheduler_runs (task, period_start, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (task, period_start) DO NOTHING
                """, task, periodStart, ownerID, clock.now())
            return inserted == 1 ? .claimed : .taken
        }
    }

    /// The advisory lock key of `task` on PostgreSQL: the 64-bit FNV-1a hash of
    /// `mandate.scheduler:` and the task name, the same in every process (Swift's `hashValue`
    /// is seeded per process). A collision with another key only makes two claims take turns.
    static func advisoryLockKey(task: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "mandate.scheduler:\(task)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    private func execute(_ task: Registration, periodStart: Date) async {
        var failure: String?
        do {
            try await task.run(periodStart)
        } catch {
            failure = "\(error)"
            logger.error("scheduled task failed", ["task": .string(task.name), "error": .string("\(error)")])
        }
        let clock = self.clock
        let taskName = task.name
        let recorded = failure
        do {
            try await database.write { connection in
                _ = try connection.run(
                    "UPDATE scheduler_runs SET finished_at = ?, error = ? WHERE task = ? AND period_start = ?",
                    clock.now(), recorded, taskName, periodStart)
            }
        } catch {
            logger.warning("cannot record a scheduled run's end", ["task": .string(task.name)])
        }
    }

    /// Checks for due tasks until ``shutdown()``, sleeping until the next period boundary (at
    /// most `checkInterval`).
    public func run() async throws {
        while !state.withLock({ $0.isStopping }) && !Task.isCancelled {
            await runDueTasks()
            await wake.wait(timeout: sleepUntilNextPeriod())
        }
    }

    /// Stops after the task running now, if any.
    public func shutdown() async {
        state.withLock { $0.isStopping = true }
        wake.signal()
    }

    private func sleepUntilNextPeriod() -> Duration {
        let now = clock.now()
        let next = state.withLock { state in
            state.tasks.compactMap { $0.schedule.nextPeriodStart(after: now) }.min()
        }
        guard let next else { return checkInterval }
        // A few milliseconds late, so the clock is surely inside the new period.
        let seconds = next.timeIntervalSince(now) + 0.005
        return min(checkInterval, .seconds(max(0.001, seconds)))
    }
}
