import Foundation
import Lifecycle
import MandateJobs
import SQLite
import Storage
import Synchronization
import Testing

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
