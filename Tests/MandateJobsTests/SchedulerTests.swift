import DatabaseTestSupport
import Foundation
import Lifecycle
import SQLite
import Storage
import Synchronization
import Testing

@testable import MandateJobs

@Suite("Scheduler: exactly one run per period across processes")
struct SchedulerTests {
    final class RunLog: Sendable {
        private let starts = Mutex<[Date]>([])
        func record(_ start: Date) { starts.withLock { $0.append(start) } }
        var periodStarts: [Date] { starts.withLock { $0 } }
    }

    /// Three schedulers, each on its own `Database` of one file, as three processes would be.
    struct Racers {
        let temp: TemporaryDatabase
        let databases: [Database]
        let schedulers: [Scheduler]
        let log = RunLog()
        let clock: ManualClock

        init(schedule: Schedule, clock: ManualClock) throws {
            self.clock = clock
            temp = try TemporaryDatabase()
            databases = [temp.database, try temp.openAnother(), try temp.openAnother()]
            var schedulers: [Scheduler] = []
            for (index, database) in databases.enumerated() {
                let scheduler = Scheduler(
                    database: database, clock: clock, ownerID: "process-\(index)",
                    logger: capturingLogger(CapturingLogSink()))
                try scheduler.register(task: "sweep.sessions", schedule: schedule) { [log] start in log.record(start) }
                schedulers.append(scheduler)
            }
            self.schedulers = schedulers
        }

        /// Every scheduler checks at the same moment; returns how many ran the task.
        func race() async -> Int {
            await withTaskGroup(of: Int.self) { group in
                for scheduler in schedulers {
                    group.addTask { await scheduler.runDueTasks().count }
                }
                return await group.reduce(0, +)
            }
        }
    }

    @Test("three racing schedulers run each period once")
    func onePerPeriod() async throws {
        let clock = ManualClock()
        let racers = try Racers(schedule: .every(.seconds(900)), clock: clock)
        defer { for database in racers.databases.dropFirst() { database.close() } }
        #expect(await racers.race() == 1)
        #expect(await racers.race() == 0)
        clock.advance(by: 899)
        #expect(await racers.race() == 0)
        clock.advance(by: 1)
        #expect(await racers.race() == 1)
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(racers.log.periodStarts == [start, start.addingTimeInterval(900)])
        let owners = try await racers.temp.database.read { connection in
            try connection.query("SELECT claimed_by, finished_at FROM scheduler_runs ORDER BY period_start")
        }
        #expect(owners.count == 2 && owners.allSatisfy { !$0[1].isNull })
    }

    @Test("two schedulers on two Database instances with the same clock run each due task once")
    func twoInstancesSameClock() async throws {
        let clock = ManualClock()
        let temp = try TemporaryDatabase()
        let second = try temp.openAnother()
        defer { second.close() }
        let tasks: [(name: String, period: Duration)] = [
            ("sweep.sessions", .seconds(60)), ("reminders", .seconds(300)), ("purge", .seconds(3600)),
        ]
        let runs = Mutex<[String: [Date]]>([:])
        var schedulers: [Scheduler] = []
        for (index, database) in [temp.database, second].enumerated() {
            let scheduler = Scheduler(
                database: database, clock: clock, ownerID: "process-\(index)",
                logger: capturingLogger(CapturingLogSink()))
            for task in tasks {
                try scheduler.register(task: task.name, every: task.period) { start in
                    runs.withLock { $0[task.name, default: []].append(start) }
                }
            }
            schedulers.append(scheduler)
        }
        // Two hours in steps of 50 s, both checking at every step at the same moment.
        var expected: [String: Set<Date>] = [:]
        for _ in 0..<144 {
            for task in tasks {
                expected[task.name, default: []].insert(
                    try #require(Schedule.every(task.period).periodStart(containing: clock.now())))
            }
            await withTaskGroup(of: Void.self) { group in
                for scheduler in schedulers {
                    group.addTask { await scheduler.runDueTasks() }
                }
            }
            clock.advance(by: 50)
        }
        let ran = runs.withLock { $0 }
        for task in tasks {
            let starts = ran[task.name] ?? []
            #expect(starts.count == Set(starts).count, "\(task.name) ran twice for a period")
            #expect(
                Set(starts) == expected[task.name],
                "\(task.name): ran \(starts.count) of \(expected[task.name]?.count ?? 0)")
        }
        let rows = try await temp.database.read { connection in
            try connection.queryOne("SELECT count(*) FROM scheduler_runs")?.decode(0, as: Int.self)
        }
        #expect(rows == expected.values.map(\.count).reduce(0, +))
    }

    @Test(
        "PostgreSQL: across a skewed period boundary, the instance behind does not run the older period",
        .enabled(if: TestDatabaseEngine.dialect == .postgres, "clock skew is between machines, on PostgreSQL"))
    func skewedBoundary() async throws {
        let temp = try TemporaryDatabase()
        let second = try temp.openAnother()
        defer { second.close() }
        let boundary = Date(timeIntervalSince1970: 1_767_225_600 + 600)
        let ahead = ManualClock(boundary.addingTimeInterval(0.4))
        let behind = ManualClock(boundary.addingTimeInterval(-0.4))
        let log = RunLog()
        var schedulers: [Scheduler] = []
        for (database, clock) in [(temp.database, ahead as ManualClock), (second, behind)] {
            let scheduler = Scheduler(database: database, clock: clock, logger: capturingLogger(CapturingLogSink()))
            try scheduler.register(task: "sweep", every: .seconds(60)) { start in log.record(start) }
            schedulers.append(scheduler)
        }
        // The instance ahead runs the new period; the one behind, still in the old period that
        // nobody ran, does not run it a moment later, nor the new one once its clock gets there.
        #expect(await schedulers[0].runDueTasks() == ["sweep"])
        #expect(await schedulers[1].runDueTasks().isEmpty)
        behind.advance(by: 0.8)
        #expect(await schedulers[1].runDueTasks().isEmpty)
        #expect(log.periodStarts == [boundary])
        // The next period is run once, by whichever gets there first.
        behind.advance(by: 60)
        ahead.advance(by: 60)
        #expect(await schedulers[1].runDueTasks() == ["sweep"])
        #expect(await schedulers[0].runDueTasks().isEmpty)
        #expect(log.periodStarts == [boundary, boundary.addingTimeInterval(60)])
    }

    @Test(
        "PostgreSQL: while another instance holds the task's claim lock, the scheduler skips and looks again",
        .enabled(if: TestDatabaseEngine.dialect == .postgres, "the advisory lock is PostgreSQL's"))
    func busyClaimLock() async throws {
        let temp = try TemporaryDatabase()
        let other = try temp.openAnother()
        defer { other.close() }
        let clock = ManualClock()
        let log = RunLog()
        let scheduler = Scheduler(database: temp.database, clock: clock, logger: capturingLogger(CapturingLogSink()))
        try scheduler.register(task: "sweep", every: .seconds(60)) { start in log.record(start) }
        let locked = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        let key = Scheduler.advisoryLockKey(task: "sweep")
        let holder = Task {
            try await other.write { connection in
                let taken = try connection.queryOne("SELECT pg_try_advisory_xact_lock(?)", key)?.decode(0, as: Int.self)
                locked.store(taken == 1, ordering: .releasing)
                while !release.load(ordering: .acquiring) { usleep(5_000) }
            }
        }
        #expect(await eventually { locked.load(ordering: .acquiring) })
        #expect(await scheduler.runDueTasks().isEmpty)
        release.store(true, ordering: .releasing)
        try await holder.value
        #expect(await scheduler.runDueTasks() == ["sweep"])
        #expect(log.periodStarts == [clock.now()])
    }

    @Test("missed periods run once when back, for the current period (catch-up rule)")
    func catchUpOnce() async throws {
        let clock = ManualClock()
        let racers = try Racers(schedule: .every(.seconds(3600)), clock: clock)
        defer { for database in racers.databases.dropFirst() { database.close() } }
        #expect(await racers.race() == 1)
        // Down for ten hours, back in the middle of an hour.
        clock.advance(by: 10 * 3600 + 1800)
        #expect(await racers.race() == 1)
        #expect(await racers.race() == 0)
        #expect(racers.log.periodStarts.last == Date(timeIntervalSince1970: 1_767_225_600 + 10 * 3600))
        #expect(racers.log.periodStarts.count == 2)
    }

    @Test("daily periods start at the local midnight of their time zone, DST days included")
    func dailyAtMidnight() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let schedule = Schedule.dailyAtMidnight(newYork)
        // 2026-03-08 is the spring-forward day in New York; 12:00 local is 16:00 UTC.
        let noon = Date(timeIntervalSince1970: 1_772_985_600)
        let start = try #require(schedule.periodStart(containing: noon))
        #expect(start == Date(timeIntervalSince1970: 1_772_946_000))  // 2026-03-08T05:00:00Z
        let next = try #require(schedule.nextPeriodStart(after: noon))
        #expect(next == Date(timeIntervalSince1970: 1_773_028_800))  // 2026-03-09T04:00:00Z (EDT)
        #expect(next.timeIntervalSince(start) == 23 * 3600)
    }

    @Test("a failing task is recorded and does not run again in its period")
    func failingTask() async throws {
        let temp = try TemporaryDatabase()
        let clock = ManualClock()
        let scheduler = Scheduler(database: temp.database, clock: clock, logger: capturingLogger(CapturingLogSink()))
        struct Boom: Error {}
        try scheduler.register(task: "reminders", schedule: .every(.seconds(60))) { _ in throw Boom() }
        #expect(throws: JobQueueError.self) {
            try scheduler.register(task: "reminders", schedule: .every(.seconds(60))) { _ in }
        }
        #expect(await scheduler.runDueTasks() == ["reminders"])
        #expect(await scheduler.runDueTasks().isEmpty)
        let error = try await temp.database.read { connection in
            try connection.queryOne("SELECT error FROM scheduler_runs")?.decode(0, as: String?.self)
        }
        #expect(error?.contains("Boom") == true)
    }

    @Test("as a service it runs at period boundaries and stops on shutdown")
    func asService() async throws {
        let temp = try TemporaryDatabase()
        let sink = CapturingLogSink()
        let scheduler = Scheduler(
            database: temp.database, logger: capturingLogger(sink), checkInterval: .milliseconds(50))
        let log = RunLog()
        try scheduler.register(task: "tick", every: .milliseconds(100)) { start in log.record(start) }
        let running = Task { try await scheduler.run() }
        #expect(
            await eventually(timeout: .seconds(10)) { log.periodStarts.count >= 3 },
            "runs: \(log.periodStarts), log: \(sink.lines.joined())")
        await scheduler.shutdown()
        try await running.value
        let starts = log.periodStarts
        #expect(Set(starts).count == starts.count)
    }
}
