import Foundation
import Lifecycle
import SQLite
import Storage
import Testing

@testable import MandateCore

/// The enforcement sweep's effects on sessions (DESIGN.md §3 "Enforcement", "Sessions"): sign-out
/// policies, local midnights across DST changes, lock-out, exemptions that run out.
@Suite("Enforcement sweeper: sessions, midnights, lock-out, exemptions")
struct EnforcementSweeperTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let day: TimeInterval = 86_400

    /// Org-wide MFA due at once (no grace period) since a day before `now`, with `policy`.
    static func dueAtOnce(_ policy: MFASignOutPolicy, since now: Date) -> (inout TenantSettings) -> Void {
        { settings in
            settings.mfaRequired = true
            settings.mfaEnrollmentDays = 0
            settings.mfaEnabledAt = now.addingTimeInterval(-day)
            settings.mfaSignOutPolicy = policy
        }
    }

    @Test("immediately: ends only the full sessions of users due to set up MFA, only where the plan allows it")
    func immediatePolicy() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let acme = try await fixture.addTenant("acme", configure: Self.dueAtOnce(.immediately, since: Self.t0))
        let due = try await fixture.addUser(acme, "due")
        let dueFull = try await fixture.addSession(due, tenant: acme)
        try await fixture.addSession(due, tenant: acme, scope: .mfaSetup)
        try await fixture.addSession(try await fixture.addUser(acme, "enrolled", enrolled: true), tenant: acme)
        try await fixture.addSession(try await fixture.addUser(acme, "exempt", exempt: true), tenant: acme)
        let other = try await fixture.addTenant("other", configure: Self.dueAtOnce(.none, since: Self.t0))
        try await fixture.addSession(try await fixture.addUser(other, "due"), tenant: other)
        // A downgraded tenant keeps the setting, but its plan no longer includes mfa.sign_out_policy.
        let downgraded = try await fixture.addTenant(
            "downgraded", plan: "business", configure: Self.dueAtOnce(.immediately, since: Self.t0))
        try await fixture.addSession(try await fixture.addUser(downgraded, "due"), tenant: downgraded)
        let before = try await fixture.sessionIDs()

        let report = try await fixture.sweep()
        #expect(report.sessionsEnded == 1)
        #expect(try await fixture.sessionIDs() == before.subtracting([dueFull]))
        let events = try await fixture.auditEvents("mfa.sessions.ended")
        #expect(events.count == 1)
        #expect(events.first?.tenantID == acme.id)
        #expect(events.first?.actor == .system)
        #expect(events.first?.details["reason"] == "immediately")
        #expect(events.first?.details["count"] == 1)

        fixture.clock.advance(by: 300)
        #expect(try await fixture.sweep().sessionsEnded == 0)
        #expect(try await fixture.auditEvents("mfa.sessions.ended").count == 1)
    }

    /// Sweeps at each local time and returns whether the midnight sign-out ran; a new full session of
    /// the due user is added after each run that ended one.
    static func midnightRuns(timeZone: String, start: String, at times: [String]) async throws -> [Bool] {
        let fixture = try await SweepFixture(start: .iso(start))
        let tenant = try await fixture.addTenant(
            "acme", timeZone: timeZone, configure: dueAtOnce(.midnight, since: .iso(start)))
        let due = try await fixture.addUser(tenant, "due")
        var dueSession = try await fixture.addSession(due, tenant: tenant)
        let kept = [
            try await fixture.addSession(due, tenant: tenant, scope: .mfaSetup),
            try await fixture.addSession(try await fixture.addUser(tenant, "enrolled", enrolled: true), tenant: tenant),
        ]
        // The first sweep records a baseline: the policy means "at the next midnight", not "now".
        #expect(try await fixture.sweep().midnightsSwept == 0)
        var runs: [Bool] = []
        for time in times {
            fixture.clock.set(.iso(time))
            let report = try await fixture.sweep()
            let sessions = try await fixture.sessionIDs()
            #expect(sessions.isSuperset(of: kept))
            #expect(report.midnightsSwept == (sessions.contains(dueSession) ? 0 : 1), "at \(time)")
            runs.append(report.midnightsSwept == 1)
            if !sessions.contains(dueSession) { dueSession = try await fixture.addSession(due, tenant: tenant) }
        }
        let events = try await fixture.auditEvents("mfa.sessions.ended")
        #expect(events.count == runs.filter { $0 }.count)
        #expect(events.allSatisfy { $0.details["reason"] == "midnight" && $0.details["count"] == 1 })
        return runs
    }

    @Test("midnight in Europe/Berlin: not before midnight, once per midnight, also after the 23-hour DST day")
    func midnightBerlin() async throws {
        let runs = try await Self.midnightRuns(
            timeZone: "Europe/Berlin", start: "2026-03-28T14:00:00Z",
            at: [
                "2026-03-28T22:59:59Z",  // 23:59:59 CET
                "2026-03-28T23:00:30Z",  // 00:00:30 on the 29th: DST starts at 02:00 that night
                "2026-03-28T23:05:00Z",  // same midnight: nothing again
                "2026-03-29T12:00:00Z",
                "2026-03-29T21:59:00Z",  // 23:59 CEST
                "2026-03-29T22:00:30Z",  // 00:00:30 CEST on the 30th (23 hours after the last one)
                "2026-03-29T22:10:00Z",
            ])
        #expect(runs == [false, true, false, false, false, true, false])
    }

    @Test("midnight in America/New_York: DST start (23-hour day) and end (25-hour day) follow local midnight")
    func midnightNewYork() async throws {
        let runs = try await Self.midnightRuns(
            timeZone: "America/New_York", start: "2026-03-07T17:00:00Z",
            at: [
                "2026-03-08T04:59:59Z",  // 23:59:59 EST on the 7th
                "2026-03-08T05:00:30Z",  // 00:00:30 EST on the 8th; clocks spring forward at 02:00
                "2026-03-09T03:59:30Z",  // 23:59:30 EDT on the 8th
                "2026-03-09T04:00:30Z",  // 00:00:30 EDT on the 9th (+24 h from the last would be 05:00)
                "2026-11-01T03:59:00Z",  // 23:59 EDT on Oct 31: months of midnights passed, one run
                "2026-11-01T04:00:30Z",  // 00:00:30 EDT on Nov 1; clocks fall back at 02:00
                "2026-11-02T04:30:00Z",  // 23:30 EST on Nov 1: +24 h, but not yet midnight
                "2026-11-02T05:00:30Z",  // 00:00:30 EST on Nov 2
            ])
        #expect(runs == [false, true, false, true, true, true, false, true])
    }

    @Test("midnight where DST skips it (Santiago) or repeats it (Havana): once per local day")
    func midnightSkippedOrRepeated() async throws {
        // America/Santiago, 2026-09-06: 00:00 → 01:00, so the day starts at 01:00 (04:00Z).
        let santiago = try await Self.midnightRuns(
            timeZone: "America/Santiago", start: "2026-09-05T15:00:00Z",
            at: ["2026-09-06T03:59:00Z", "2026-09-06T04:00:30Z", "2026-09-06T05:00:30Z"])
        #expect(santiago == [false, true, false])
        // America/Havana, 2026-11-01: 01:00 CDT → 00:00 CST, so 00:00–01:00 happens twice.
        let havana = try await Self.midnightRuns(
            timeZone: "America/Havana", start: "2026-10-31T15:00:00Z",
            at: ["2026-11-01T04:00:30Z", "2026-11-01T05:00:30Z", "2026-11-02T05:00:30Z"])
        #expect(havana == [true, false, true])
        let santiagoZone = try #require(TimeZone(identifier: "America/Santiago"))
        #expect(
            LocalMidnight.mostRecent(atOrBefore: .iso("2026-09-06T12:00:00Z"), in: santiagoZone)
                == .iso("2026-09-06T04:00:00Z"))
        let havanaZone = try #require(TimeZone(identifier: "America/Havana"))
        #expect(
            LocalMidnight.mostRecent(atOrBefore: .iso("2026-11-01T05:30:00Z"), in: havanaZone)
                == .iso("2026-11-01T04:00:00Z"))
    }

    @Test("none: sessions stay; switching to midnight later waits for the next midnight")
    func nonePolicy() async throws {
        let fixture = try await SweepFixture(start: Self.t0.addingTimeInterval(12 * 3600))
        let tenant = try await fixture.addTenant("acme", configure: Self.dueAtOnce(.none, since: Self.t0))
        let session = try await fixture.addSession(try await fixture.addUser(tenant, "due"), tenant: tenant)
        for hours in [0.0, 12.1, 24, 36.1] {
            fixture.clock.set(Self.t0.addingTimeInterval(12 * 3600 + hours * 3600))
            #expect(try await fixture.sweep().sessionsEnded == 0)
        }
        #expect(try await fixture.sessionIDs() == [session])
        // Now 2026-01-03T00:06Z. The admin switches to `midnight` in the afternoon.
        fixture.clock.set(Self.t0.addingTimeInterval(2 * Self.day + 15 * 3600))
        try await fixture.run("UPDATE tenants SET mfa_sign_out_policy = 'midnight' WHERE id = '\(tenant.id)'")
        #expect(try await fixture.sweep().sessionsEnded == 0)
        fixture.clock.set(Self.t0.addingTimeInterval(3 * Self.day + 30))
        #expect(try await fixture.sweep().sessionsEnded == 1)
        #expect(try await fixture.sessionIDs().isEmpty)
        #expect(try await fixture.auditEvents("mfa.sessions.ended").count == 1)
    }

    @Test("lock_out: every session of a user past the deadline ends, audited once per deadline")
    func lockOut() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await fixture.addTenant("acme", plan: "business") { settings in
            settings.mfaRequired = true
            settings.mfaEnrollmentDays = 7
            settings.mfaEnabledAt = Self.t0
            settings.mfaExpiryAction = .lockOut
        }
        let late = try await fixture.addUser(tenant, "late")
        try await fixture.addSession(late, tenant: tenant)
        try await fixture.addSession(late, tenant: tenant, scope: .mfaSetup)
        let enrolled = try await fixture.addSession(
            try await fixture.addUser(tenant, "enrolled", enrolled: true), tenant: tenant)

        fixture.clock.set(Self.t0.addingTimeInterval(7 * Self.day - 60))
        #expect(try await fixture.sweep().usersLockedOut == 0)
        #expect(try await fixture.sessionIDs().count == 3)

        fixture.clock.set(Self.t0.addingTimeInterval(7 * Self.day + 60))
        let report = try await fixture.sweep()
        #expect(report.usersLockedOut == 1)
        #expect(report.sessionsEnded == 2)
        #expect(try await fixture.sessionIDs() == [enrolled])
        fixture.clock.advance(by: 300)
        #expect(try await fixture.sweep().usersLockedOut == 0)

        let events = try await fixture.auditEvents("mfa.enrollment.expired")
        #expect(events.count == 1)
        #expect(events.first?.targetID == late)
        #expect(events.first?.actor == .system)
        #expect(
            events.first?.details["deadline"] == .string(Timestamp.iso8601(Self.t0.addingTimeInterval(7 * Self.day))))
        #expect(events.first?.details["sessionsEnded"] == 2)
        #expect(
            try await fixture.notices(late).contains(
                "expired@\((Self.t0.addingTimeInterval(7 * Self.day)).millisecondsSince1970)"))
    }

    @Test("an exemption that ran out is cleared and audited; a user due now loses their full sessions at once")
    func expiredExemption() async throws {
        let fixture = try await SweepFixture(start: Self.t0)
        let tenant = try await fixture.addTenant(
            "acme", plan: "business", configure: Self.dueAtOnce(.none, since: Self.t0))
        let ended = try await fixture.addUser(tenant, "ended", exemptUntil: Self.t0.addingTimeInterval(Self.day))
        let endedFull = try await fixture.addSession(ended, tenant: tenant)
        try await fixture.addSession(ended, tenant: tenant, scope: .mfaSetup)
        let later = try await fixture.addUser(tenant, "later", exemptUntil: Self.t0.addingTimeInterval(10 * Self.day))
        try await fixture.addSession(later, tenant: tenant)
        let enrolled = try await fixture.addUser(
            tenant, "enrolled", enrolled: true, exemptUntil: Self.t0.addingTimeInterval(Self.day))
        try await fixture.addSession(enrolled, tenant: tenant)
        try await fixture.addSession(try await fixture.addUser(tenant, "open", exempt: true), tenant: tenant)
        let before = try await fixture.sessionIDs()

        #expect(try await fixture.sweep().exemptionsEnded == 0)
        fixture.clock.set(Self.t0.addingTimeInterval(Self.day + 1))
        let report = try await fixture.sweep()
        #expect(report.exemptionsEnded == 2)
        #expect(report.sessionsEnded == 1)
        #expect(try await fixture.sessionIDs() == before.subtracting([endedFull]))
        for userID in [ended, enrolled] {
            let columns = try await fixture.userColumns(userID)
            #expect(!columns.exempt)
            #expect(columns.exemptUntil == nil)
        }
        #expect(try await fixture.userColumns(later).exempt)

        let events = try await fixture.auditEvents("mfa.exemption.ended")
        #expect(Set(events.compactMap(\.targetID)) == [ended, enrolled])
        #expect(events.allSatisfy { $0.details["reason"] == "expired" && $0.actor == .system })
        fixture.clock.advance(by: 300)
        #expect(try await fixture.sweep().exemptionsEnded == 0)
        #expect(try await fixture.auditEvents("mfa.exemption.ended").count == 2)
    }
}
