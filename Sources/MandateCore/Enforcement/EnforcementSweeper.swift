import Foundation
import Lifecycle
import SQLite
import Storage

/// The periodic enforcement sweep (DESIGN.md §3 "Enforcement", "Sessions"), run by the scheduler
/// every few minutes. Statuses are computed, never stored, so the sweep is what turns the passing
/// of time into effects, for every tenant:
///
/// 1. exemptions that ran out are cleared (audited; a user who must set up MFA now loses their
///    sessions at once);
/// 2. under `lock_out`, users whose deadline passed lose every session, and are audited once per
///    deadline;
/// 3. sign-out policies: `immediately` ends the full sessions of users who must set up MFA as soon
///    as they are found; `midnight` does so once per local day of the tenant;
/// 4. users in their enrollment period get the start email and the 3-day and 1-day reminders, each
///    once per deadline.
///
/// Work is found per tenant with one read (no write lock; a tenant with nothing to do costs that
/// read and nothing else) and emails are rendered before any transaction; then each step runs in
/// short write transactions of its own, of at most ``batchSize`` users, that re-check every user:
/// concurrent admin changes and other sweepers (several processes share the database) are safe,
/// since notices and lock-out events are claimed in `mfa_notices` and midnights in
/// `tenants.mfa_midnight_swept_at`.
///
/// Several tenants are swept at once (``concurrentTenants``): their reads spread over the reader
/// connections, and their writes queue up together so that the database commits them as a group
/// (each still all-or-nothing in its own savepoint, see `GroupCommit`) rather than paying a commit,
/// and the WAL pages it writes, per tenant and step.
public struct EnforcementSweeper: Sendable {
    /// What one sweep did.
    public struct Report: Sendable, Equatable {
        /// Tenants examined.
        public var tenants = 0
        /// Expired exemptions cleared.
        public var exemptionsEnded = 0
        /// Users audited as locked out (`mfa.enrollment.expired`).
        public var usersLockedOut = 0
        /// Sessions ended, by every step.
        public var sessionsEnded = 0
        /// Tenants whose local midnight sign-out ran.
        public var midnightsSwept = 0
        /// Enrollment emails queued.
        public var noticesSent = 0
        /// Tenants whose work failed (logged; the next sweep tries again).
        public var failedTenants = 0

        public init() {}

        /// Whether the sweep changed anything.
        public var changedAnything: Bool {
            exemptionsEnded + usersLockedOut + sessionsEnded + midnightsSwept + noticesSent > 0
        }

        mutating func add(_ other: Report) {
            tenants += other.tenants
            exemptionsEnded += other.exemptionsEnded
            usersLockedOut += other.usersLockedOut
            sessionsEnded += other.sessionsEnded
            midnightsSwept += other.midnightsSwept
            noticesSent += other.noticesSent
            failedTenants += other.failedTenants
        }
    }

    /// Users handled per write: even with an email each, a write stays within a few milliseconds,
    /// so other writes (web requests) queued behind a group of them wait little.
    static let batchSize = 50
    /// Tenants swept at once: enough queued writes to fill a group commit (at most 64 share one).
    /// On the benchmark's 1,000,000 users it halves the time of one tenant after the other.
    static let concurrentTenants = 64

    let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    /// Sweeps every tenant once, at the clock's current time. Stops starting tenants when the task
    /// is cancelled (shutdown); the next sweep catches up, since everything is selected by time.
    ///
    /// - Throws: ``CoreError`` only when the tenants cannot be read; a failing tenant is logged,
    ///   counted in ``Report/failedTenants`` and skipped.
    public func sweep() async throws(CoreError) -> Report {
        // Whole milliseconds, as the database stores times, so SQL and Swift agree at the edges.
        let now = Date(millisecondsSince1970: environment.clock.now().millisecondsSince1970)
        let rows = try await environment.read { connection in try Self.tenants(on: connection) }
        var midnights: [String: Date] = [:]
        let plans = rows.map { TenantPlan($0, catalog: environment.catalog, now: now, midnights: &midnights) }
        var report = Report()
        await withTaskGroup(of: Report.self) { group in
            var next = 0
            while next < min(Self.concurrentTenants, plans.count) {
                let plan = plans[next]
                group.addTask { await sweep(plan, now: now) }
                next += 1
            }
            for await tenantReport in group {
                report.add(tenantReport)
                guard next < plans.count, !Task.isCancelled else { continue }
                let plan = plans[next]
                group.addTask { await sweep(plan, now: now) }
                next += 1
            }
        }
        if report.changedAnything || report.failedTenants > 0 {
            environment.logger.info(
                "enforcement sweep",
                [
                    "tenants": .int(report.tenants), "exemptionsEnded": .int(report.exemptionsEnded),
                    "usersLockedOut": .int(report.usersLockedOut), "sessionsEnded": .int(report.sessionsEnded),
                    "midnightsSwept": .int(report.midnightsSwept), "noticesSent": .int(report.noticesSent),
                    "failedTenants": .int(report.failedTenants),
                ])
        }
        return report
    }

    /// One tenant: find its work, then run the steps it needs, each in transactions of its own.
    private func sweep(_ plan: TenantPlan, now: Date) async -> Report {
        var report = Report()
        report.tenants = 1
        do throws(CoreError) {
            var work = try await environment.read { connection in try Self.findWork(plan, now: now, on: connection) }
            if !work.notices.isEmpty {
                // Rendered here, in parallel with other tenants' writes, rather than in the transaction.
                let mail = EnforcementNoticeMail(environment: environment, tenant: plan.tenant)
                for index in work.notices.indices {
                    let draft = work.notices[index]
                    work.notices[index].content = mail.render(
                        draft.notice, name: draft.name, deadline: draft.deadline, now: now)
                }
            }
            try await apply(work, now: now, report: &report)
        } catch {
            report.failedTenants = 1
            environment.logger.error(
                "enforcement sweep failed for a tenant",
                ["tenant": .string(plan.tenant.id), "error": .string(error.message)])
        }
        return report
    }

    private func apply(_ work: TenantWork, now: Date, report: inout Report) async throws(CoreError) {
        let plan = work.plan
        let catalog = environment.catalog
        for batch in Self.batches(work.expiredExemptions) {
            let result = try await environment.write { connection in
                try Self.endExemptions(batch, plan: plan, now: now, on: connection)
            }
            report.exemptionsEnded += result.users
            report.sessionsEnded += result.sessions
        }
        for batch in Self.batches(work.expired) {
            let result = try await environment.write { connection in
                try Self.lockOut(batch, plan: plan, now: now, on: connection)
            }
            report.usersLockedOut += result.users
            report.sessionsEnded += result.sessions
        }
        if work.hasNonCompliantSessions && plan.signOutPolicy == .immediately {
            report.sessionsEnded += try await environment.write { connection in
                try Self.signOutImmediately(tenantID: plan.tenant.id, catalog: catalog, now: now, on: connection)
            }
        }
        if let midnight = plan.midnightDue {
            // Recorded whatever the policy, so that a tenant switching to `midnight` later starts
            // from the next midnight rather than at once.
            let ended = try await environment.write { connection in
                try Self.recordMidnight(midnight, tenantID: plan.tenant.id, catalog: catalog, now: now, on: connection)
            }
            if let ended {
                report.midnightsSwept += 1
                report.sessionsEnded += ended
            }
        }
        for batch in Self.batches(work.notices) {
            let sent = try await environment.write { [environment] connection in
                try Self.sendNotices(batch, plan: plan, environment: environment, now: now, on: connection)
            }
            report.noticesSent += sent
            if sent > 0 { environment.jobNotifier.notify() }
        }
    }

    static func batches<Element>(_ elements: [Element]) -> [[Element]] {
        stride(from: 0, to: elements.count, by: batchSize).map {
            Array(elements[$0..<min($0 + batchSize, elements.count)])
        }
    }
}

extension EnforcementSweeper {
    /// A tenant as the sweep sees it at `now`.
    struct TenantPlan: Sendable {
        var tenant: Tenant
        var features: Set<Feature>
        /// The policy in force: `none` when the plan no longer includes `mfa.sign_out_policy`.
        var signOutPolicy: MFASignOutPolicy
        /// The local midnight to record when the tenant's marker is behind it.
        var midnightDue: Date?

        init(_ row: (Tenant, midnightSweptAt: Date?), catalog: PlanCatalog, now: Date, midnights: inout [String: Date])
        {
            let (tenant, sweptAt) = row
            self.tenant = tenant
            features = tenant.entitlement(catalog: catalog, now: now).features
            signOutPolicy = features.contains(.signOutPolicy) ? tenant.settings.mfaSignOutPolicy : .none
            let midnight: Date
            if let cached = midnights[tenant.timeZone] {
                midnight = cached
            } else {
                midnight = LocalMidnight.mostRecent(
                    atOrBefore: now, in: LocalMidnight.timeZone(identifier: tenant.timeZone))
                midnights[tenant.timeZone] = midnight
            }
            midnightDue = sweptAt.map { $0 < midnight } ?? true ? midnight : nil
        }

        /// Whether any requirement can apply to a user of the tenant (otherwise only exemptions
        /// can need work).
        var canRequireMFA: Bool { !features.isDisjoint(with: [.enforceOrg, .enforceUser, .enforceGroups]) }
    }

    /// The users of one tenant the steps must look at.
    struct TenantWork: Sendable {
        var plan: TenantPlan
        var expiredExemptions: [String] = []
        /// Users in `expired` not audited yet for their deadline, or still holding a session.
        var expired: [String] = []
        /// Whether a user who must set up MFA holds a full session (looked for under `immediately`).
        var hasNonCompliantSessions = false
        /// Active users in their enrollment period with an email due.
        var notices: [NoticeDraft] = []
    }

    /// An email found due by the read, rendered before the write transaction that sends it.
    struct NoticeDraft: Sendable {
        var userID: String
        var email: String
        var name: String
        var deadline: Date
        var notice: EnforcementNotice
        var content: EnforcementNoticeMail.Content?
    }
}
