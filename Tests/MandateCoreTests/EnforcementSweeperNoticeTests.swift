import Foundation
import Lifecycle
import SQLite
import Storage
import Testing

@testable import MandateCore

/// The enrollment emails of the enforcement sweep: when the period starts, 3 days and 1 day before
/// the deadline, each exactly once per user and deadline, whoever sweeps.
@Suite("Enforcement sweeper: enrollment emails")
struct EnforcementSweeperNoticeTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z, a Thursday
    static let day: TimeInterval = 86_400
    static let hour: TimeInterval = 3600

    /// A business tenant requiring MFA of everyone since t0 with `days` of grace.
    static func addTenant(_ fixture: SweepFixture, days: Int, timeZone: String = "UTC") async throws -> Tenant {
        try await fixture.addTenant("acme", plan: "business", timeZone: timeZone) { settings in
            settings.mfaRequired = true
            settings.mfaEnrollmentDays = days
            settings.mfaEnabledAt = t0
        }
    }

    /// Sweeps once an hour (a minute past) from `from` to `to`, hours after t0.
    static func sweepHourly(_ fixture: SweepFixture, from: Int = 0, to: Int) async throws {
        for hours in from...to {
            fixture.clock.set(t0.addingTimeInterval(Double(hours) * hour + 60))
            _ = try await fixture.sweep()
        }
    }

    @Test("the due notice: the start first, then only the most urgent reminder, none right after a fresh email")
    func dueRule() {
        let deadline = Self.t0.addingTimeInterval(7 * Self.day)
        func due(_ before: TimeInterval, _ sent: [EnforcementNotice: TimeInterval]) -> EnforcementNotice? {
            EnforcementNotice.due(
                deadline: deadline, now: deadline.addingTimeInterval(-before),
                sent: sent.mapValues { deadline.addingTimeInterval(-$0) })
        }
        let day = Self.day
        #expect(due(7 * day, [:]) == .periodStarted)
        #expect(due(1 * Self.hour, [:]) == .periodStarted)  // noticed late: still told, with the deadline
        #expect(due(0, [:]) == nil)  // the deadline passed: no more emails
        #expect(due(6 * day, [.periodStarted: 7 * day]) == nil)
        #expect(due(3 * day, [.periodStarted: 7 * day]) == .reminder3Days)
        #expect(due(2 * day, [.periodStarted: 7 * day, .reminder3Days: 3 * day]) == nil)
        #expect(due(1 * day, [.periodStarted: 7 * day, .reminder3Days: 3 * day]) == .reminder1Day)
        // A sweeper that was down: the 1-day reminder alone, never both.
        #expect(due(1 * day - 60, [.periodStarted: 7 * day]) == .reminder1Day)
        #expect(due(60, [.periodStarted: 7 * day, .reminder1Day: 1 * day]) == nil)
        // A 2-day period: the start email covers the 3-day reminder; the 1-day one comes a day later.
        #expect(due(2 * day, [.periodStarted: 2 * day]) == nil)
        #expect(due(1 * day, [.periodStarted: 2 * day]) == .reminder1Day)
        // A period of 3 days and 10 minutes: no reminder 10 minutes after the start email.
        #expect(due(3 * day - 60, [.periodStarted: 3 * day + 600]) == nil)
        #expect(due(1 * day, [.periodStarted: 3 * day + 600]) == .reminder1Day)
        // A 1-day period: the start email alone.
        #expect(due(1 * day - 60, [.periodStarted: 1 * day]) == nil)
        #expect(due(60, [.periodStarted: 1 * day]) == nil)
    }

    @Test("start, 3-day and 1-day emails once each over many sweeps; none for enrolled, exempt, invited, suspended")
    func emailsOverThePeriod() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await Self.addTenant(fixture, days: 7, timeZone: "America/New_York")
        let ada = try await fixture.addUser(tenant, "ada")
        try await fixture.addUser(tenant, "enrolled", enrolled: true)
        try await fixture.addUser(tenant, "exempt", exempt: true)
        let invited = try await fixture.addUser(tenant, "invited", status: .invited)
        try await fixture.addUser(tenant, "suspended", status: .suspended)

        try await Self.sweepHourly(fixture, to: 8 * 24)
        let emails = try await fixture.emails()
        let by = "set up multi-factor authentication by 7 January 2026, 19:00"  // t0 + 7 days, New York time
        #expect(emails.map(\.userID) == [ada, ada, ada])
        #expect(
            emails.map(\.subject) == [
                "Set up multi-factor authentication by 7 January 2026, 19:00", "Reminder: " + by,
                "Final reminder: " + by,
            ])
        let deadline = Self.t0.addingTimeInterval(7 * Self.day).millisecondsSince1970
        #expect(
            try await fixture.notices(ada) == [
                "period_started@\(deadline)", "reminder_3d@\(deadline)", "reminder_1d@\(deadline)",
            ])
        for (email, remaining) in zip(emails, ["7 days", "3 days", "1 day"]) {
            #expect(
                email.text.contains("Wednesday 7 January 2026 at 19:00 (America/New_York time), \(remaining) from now"))
            #expect(email.text.contains("https://mandate.test/account/mfa/setup"))
            #expect(email.html.contains("href=\"https://mandate.test/account/mfa/setup\""))
            #expect(email.text.contains("Hello ada,"))
        }
        #expect(emails[2].text.contains("last reminder"))

        // The invited user's period starts when they activate: then they are told.
        let activation = Self.t0.addingTimeInterval(8 * Self.day + Self.hour)
        try await fixture.run(
            "UPDATE users SET status = 'active', activated_at = \(activation.millisecondsSince1970) WHERE id = '\(invited)'"
        )
        fixture.clock.set(activation.addingTimeInterval(60))
        #expect(try await fixture.sweep().noticesSent == 1)
        #expect(try await fixture.emails().last?.userID == invited)
    }

    @Test("a 2-day period: the start email, then the 1-day reminder, never the 3-day one; a 1-day period: the start")
    func shortPeriods() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await Self.addTenant(fixture, days: 2)
        try await fixture.addUser(tenant, "ada")
        try await Self.sweepHourly(fixture, to: 3 * 24)
        let emails = try await fixture.emails()
        #expect(
            emails.map(\.subject) == [
                "Set up multi-factor authentication by 3 January 2026, 00:00",
                "Final reminder: set up multi-factor authentication by 3 January 2026, 00:00",
            ])
        #expect(emails.first?.text.contains("You will be reminded before the deadline.") == true)

        let oneDay = try await SweepFixture(start: Self.t0)
        try await oneDay.addUser(try await Self.addTenant(oneDay, days: 1), "ada")
        try await Self.sweepHourly(oneDay, to: 2 * 24)
        let single = try await oneDay.emails()
        #expect(single.map(\.subject) == ["Set up multi-factor authentication by 2 January 2026, 00:00"])
        #expect(single.first?.text.contains("reminded") == false)
    }

    @Test("two sweepers racing on two connections to the file (as two processes) send each email once")
    func concurrentSweepers() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await Self.addTenant(fixture, days: 7)
        var users: [String] = []
        for index in 0..<30 { users.append(try await fixture.addUser(tenant, "user\(index)")) }
        let second = try fixture.openSecondDatabase()
        let otherEnvironment = SweepFixture.environment(database: second, clock: fixture.clock)
        defer {
            otherEnvironment.hasher.shutdown()
            second.close()
        }
        let first = EnforcementSweeper(environment: fixture.environment)
        let other = EnforcementSweeper(environment: otherEnvironment)
        var sent = 0
        for time in [60, 120, 4 * Self.day + 60, 4 * Self.day + 120, 6 * Self.day + 60, 6 * Self.day + 120] {
            fixture.clock.set(Self.t0.addingTimeInterval(time))
            async let a = first.sweep()
            async let b = other.sweep()
            async let c = first.sweep()
            sent += try await a.noticesSent + b.noticesSent + c.noticesSent
        }
        #expect(sent == 90)
        #expect(try await fixture.emails().count == 90)
        for user in users {
            #expect(
                try await fixture.notices(user).map { $0.prefix { $0 != "@" } } == [
                    "period_started", "reminder_3d", "reminder_1d",
                ])
        }
    }

    @Test("a new deadline (enrollment reset) starts a new series of notices")
    func newDeadlineNewNotices() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await Self.addTenant(fixture, days: 7)
        let ada = try await fixture.addUser(tenant, "ada")
        try await Self.sweepHourly(fixture, to: 4 * 24)
        let reset = Self.t0.addingTimeInterval(4 * Self.day + Self.hour)
        try await fixture.run(
            "UPDATE users SET mfa_enrollment_reset_at = \(reset.millisecondsSince1970) WHERE id = '\(ada)'")
        try await Self.sweepHourly(fixture, from: 4 * 24 + 1, to: 12 * 24)

        let first = Self.t0.addingTimeInterval(7 * Self.day).millisecondsSince1970
        let second = reset.addingTimeInterval(7 * Self.day).millisecondsSince1970
        #expect(
            try await fixture.notices(ada) == [
                "period_started@\(first)", "reminder_3d@\(first)", "period_started@\(second)",
                "reminder_3d@\(second)", "reminder_1d@\(second)",
            ])
        #expect(
            try await fixture.emails().map(\.subject)[2]
                == "Set up multi-factor authentication by 12 January 2026, 01:00")
    }
}
