import Crypto
import Foundation
import HTMLTemplates
import Lifecycle
import MandateCore
import SQLite
import Storage

/// Downgrading an enterprise tenant to `free` (DESIGN.md §3, downgrade rules) through the billing
/// webhook's service, `BillingService.receive`, on a SQLite file: the requirement is that downgrading
/// a 100,000-user tenant takes ≤ 10 ms of database work, whatever its size.
///
/// The data is the `enforcement` benchmark's 100,000- and 1,000-user enterprise tenants (same seed:
/// org enforcement on, two enabled group policies, ~3% of users with their own requirement), with
/// the sign-out policy `midnight` and about 10 admins each (the `enforcement` data makes 3% of users
/// admins, and each active owner and admin is emailed at a downgrade).
///
/// Each round puts the tenant back on `enterprise` with a billing event and switches everything back
/// on with plain SQL (untimed), then times one `subscription.updated` event to `free`/`active`: the
/// whole `receive` call, that is the hop to the writer thread and its one `BEGIN IMMEDIATE` … `COMMIT`
/// transaction (tenant row, policies, snapshot, audit events, the admins' emails, the webhook and
/// event records). The round trip of an empty write, timed just before it in the same round, is
/// printed so the reader can subtract it. Every lift is checked (outcome, snapshot, emails queued).
/// The p95 and max include SQLite's WAL auto-checkpoints (every 1,000 pages, about every 13 rounds
/// here), paid by whichever commit crosses the mark: the median is the figure the target is about.
///
/// `--rounds N` (default 50) sets the timed rounds per tenant (after one warm-up round); `--db PATH`
/// reuses the database at `PATH` if it holds both tenants, else generates it there and keeps it
/// (default: a temporary file, removed at the end).
enum DowngradeBenchmark {
    /// What one tenant's downgrades did and took.
    struct Figures {
        let label: String
        let users: Int
        let requirementsLifted: Int
        let policiesLifted: Int
        let adminsEmailed: Int
        /// The timed `receive` calls, in milliseconds.
        let downgrades: [Double]
        /// The empty writes timed in the same rounds, in milliseconds.
        let emptyWrites: [Double]
    }

    static let targetMilliseconds = 10.0

    static func run(_ arguments: [String]) async throws {
        let rounds = max(1, Int(option("--rounds", in: arguments) ?? "") ?? 50)
        // A fixed instant, as in the `enforcement` benchmark; it moves by a second per round.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_772_366_400))  // 2026-03-01T12:00:00Z
        let data = EnforcementBenchData(now: clock.now().millisecondsSince1970, tenants: tenantSpecs)
        print(
            "# downgrade to free: \(data.tenants.count) tenants, \(data.userCount) users, \(rounds) rounds per tenant; "
                + MachineInfo.summary)

        let kept = option("--db", in: arguments)
        let directory = NSTemporaryDirectory() + "mandate-bench-downgrade-" + UUID().uuidString
        let path = kept ?? directory + "/downgrade.sqlite"
        if kept == nil {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try Database(path: path, readerCount: 2)
        defer {
            database.close()
            if kept == nil {
                try? FileManager.default.removeItem(atPath: directory)
            } else {
                print("database kept at \(path)")
            }
        }
        _ = try await Schema.migrator(for: database.dialect).migrate(database)
        if try await holds(data, database) {
            print("reusing \(path)")
        } else {
            guard try await isEmpty(database) else {
                throw EnforcementBenchmark.BenchFailure("\(path) holds other data: give a new path to --db")
            }
            let start = ContinuousClock.now
            // No ANALYZE afterwards: the service never runs it, so the plans measured are its plans.
            try await data.generate(into: database)
            print("generated in \(EnforcementBenchmark.format(ContinuousClock.now - start))")
        }

        let hasher = PasswordHasher(parameters: .testing, threads: 1)  // never used: a downgrade hashes nothing
        defer { hasher.shutdown() }
        let environment = CoreEnvironment(
            database: database, clock: clock, catalog: try EnforcementBenchmark.catalog(), hasher: hasher,
            blocklist: PasswordBlocklist(entries: []), logger: Logger(label: "bench", level: .error),
            publicBaseURL: "https://mandate.bench", templates: try templates())
        var run = Run(
            billing: BillingService(environment: environment), database: database, clock: clock,
            eventTime: try await lastEventTime(database, after: clock.now()))
        var figures: [Figures] = []
        for (label, tenant) in [("100,000 users", data.tenants[0]), ("1,000 users", data.tenants[1])] {
            figures.append(try await run.measure(tenant, label: label, rounds: rounds))
        }
        printTable(figures)
        let median = figures[0].downgrades.sorted()[figures[0].downgrades.count / 2]
        print(
            "target: median ≤ \(EnforcementBenchmark.Unit.milliseconds.format(targetMilliseconds)) of database work"
                + " on 100,000 users: \(median <= targetMilliseconds ? "met" : "NOT met")")
    }

    /// The `enforcement` benchmark's two enterprise tenants, with about 10 admins each.
    static let tenantSpecs = [
        EnforcementBenchData.TenantSpec(
            id: "ten_bench_big", slug: "bench-big", plan: "enterprise", userCount: 100_000, groupCount: 20,
            orgRequired: true, adminShare: 10.0 / 100_000),
        EnforcementBenchData.TenantSpec(
            id: "ten_bench_small", slug: "bench-small", plan: "enterprise", userCount: 1_000, groupCount: 20,
            orgRequired: true, adminShare: 10.0 / 1_000),
    ]

    /// The rounds of one benchmark run: the service, and the billing events' clock and ids.
    struct Run {
        let billing: BillingService
        let database: Database
        let clock: ManualClock
        /// The timestamp of the last event sent: the next one is a second later, since the service
        /// ignores events older than the last one applied.
        var eventTime: Date
        /// Unique per process, so that a reused database never sees a webhook id twice.
        let webhookPrefix = "whk_bench_" + UUID().uuidString.lowercased()
        var eventCount = 0

        /// One warm-up round, then `rounds` timed rounds on `tenant`.
        mutating func measure(_ tenant: EnforcementBenchData.TenantSpec, label: String, rounds: Int) async throws
            -> Figures
        {
            let expected = try await DowngradeBenchmark.expected(tenant, database)
            var downgrades: [Double] = []
            var emptyWrites: [Double] = []
            var progress = BenchProgressBar(title: "downgrading \(label)")
            for round in 0...rounds {
                let (downgrade, emptyWrite) = try await self.round(tenant, expected: expected)
                // Round 0 is a warm-up.
                if round > 0 {
                    downgrades.append(downgrade)
                    emptyWrites.append(emptyWrite)
                }
                progress.update(round, of: rounds, "rounds")
            }
            return Figures(
                label: label, users: expected.users, requirementsLifted: expected.requirements,
                policiesLifted: expected.policies, adminsEmailed: expected.admins, downgrades: downgrades,
                emptyWrites: emptyWrites)
        }

        /// Resets `tenant` (untimed), then times an empty write and the downgrade, and checks what the
        /// downgrade did. Returns both times in milliseconds.
        private mutating func round(_ tenant: EnforcementBenchData.TenantSpec, expected: Expected) async throws
            -> (downgrade: Double, emptyWrite: Double)
        {
            _ = try await billing.receive(event(tenant, plan: "enterprise"), webhookID: nextWebhookID())
            let emailsBefore = try await database.write { connection in
                try connection.run(
                    """
                    UPDATE tenants SET mfa_required = 1, mfa_user_lifted_at = NULL, mfa_sign_out_policy = 'midnight'
                    WHERE id = ?
                    """, tenant.id)
                try connection.run("UPDATE mfa_policies SET enabled = 1 WHERE tenant_id = ?", tenant.id)
                try connection.run("DELETE FROM mfa_enforcement_snapshots WHERE tenant_id = ?", tenant.id)
                return try DowngradeBenchmark.emailCount(tenant, on: connection)
            }
            clock.advance(by: 1)
            let downgrade = event(tenant, plan: "free")
            let webhookID = nextWebhookID()

            let emptyStart = ContinuousClock.now
            try await database.write { _ in }
            let emptyWrite = EnforcementBenchmark.milliseconds(ContinuousClock.now - emptyStart)
            let start = ContinuousClock.now
            let outcome = try await billing.receive(downgrade, webhookID: webhookID)
            let elapsed = EnforcementBenchmark.milliseconds(ContinuousClock.now - start)

            guard outcome == .applied(tenantID: tenant.id, lifted: LiftedSource.allCases) else {
                throw EnforcementBenchmark.BenchFailure(
                    "the downgrade of \(tenant.id) gave \(outcome), not every source lifted")
            }
            try await check(tenant, expected: expected, emailsBefore: emailsBefore)
            return (elapsed, emptyWrite)
        }

        private mutating func event(_ tenant: EnforcementBenchData.TenantSpec, plan: String) -> BillingEvent {
            eventTime.addTimeInterval(1)
            return BillingEvent(
                type: .subscriptionUpdated, timestamp: eventTime, tenant: tenant.id, plan: plan, status: .active)
        }

        private mutating func nextWebhookID() -> String {
            eventCount += 1
            return webhookPrefix + "_\(eventCount)"
        }

        /// Fails unless the snapshot and the emails queued since `emailsBefore` are the expected ones.
        private func check(_ tenant: EnforcementBenchData.TenantSpec, expected: Expected, emailsBefore: Int)
            async throws
        {
            let (config, emails) = try await database.read { connection in
                let config: String? = try connection.queryOne(
                    "SELECT config FROM mfa_enforcement_snapshots WHERE tenant_id = ?", tenant.id)?.decode(0)
                return (config, try DowngradeBenchmark.emailCount(tenant, on: connection) - emailsBefore)
            }
            guard let config else { throw EnforcementBenchmark.BenchFailure("\(tenant.id): no snapshot") }
            let snapshot = try JSONDecoder().decode(EnforcementSnapshot.self, from: Data(config.utf8))
            let found = (snapshot.userRequirementCount, snapshot.groupPolicyIDs.count, emails)
            guard found == (expected.requirements, expected.policies, expected.admins) else {
                throw EnforcementBenchmark.BenchFailure(
                    "\(tenant.id): lifted \(found.0) requirements and \(found.1) policies, emailed \(found.2) admins;"
                        + " expected \(expected.requirements), \(expected.policies), \(expected.admins)")
            }
        }
    }

    /// What a downgrade of a tenant must lift and whom it must email, counted with plain SQL.
    struct Expected: Sendable {
        let users: Int
        let requirements: Int
        let policies: Int
        let admins: Int
    }

    static func expected(_ tenant: EnforcementBenchData.TenantSpec, _ database: Database) async throws -> Expected {
        let id = tenant.id
        let counts = try await database.read { connection in
            try [
                "SELECT COUNT(*) FROM users WHERE tenant_id = ?",
                "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND mfa_required = 1",
                "SELECT COUNT(*) FROM mfa_policies WHERE tenant_id = ?",
                "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND role IN ('owner', 'admin') AND status = 'active'",
            ].map { sql in try connection.queryOne(sql, id)?.decode(0) as Int? ?? 0 }
        }
        return Expected(users: counts[0], requirements: counts[1], policies: counts[2], admins: counts[3])
    }

    /// The emails ever queued for `tenant`'s users.
    static func emailCount(_ tenant: EnforcementBenchData.TenantSpec, on connection: Connection) throws -> Int {
        try connection.queryOne("SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND channel = 'email'", tenant.id)?
            .decode(0) ?? 0
    }

    /// Whether the database holds both tenants with all their users.
    static func holds(_ data: EnforcementBenchData, _ database: Database) async throws -> Bool {
        let tenants = data.tenants
        let counts = try await database.read { connection in
            try tenants.map { tenant in
                try connection.queryOne("SELECT COUNT(*) FROM users WHERE tenant_id = ?", tenant.id)?.decode(0)
                    as Int? ?? 0
            }
        }
        return counts == tenants.map(\.userCount)
    }

    static func isEmpty(_ database: Database) async throws -> Bool {
        try await database.read { connection in
            try connection.queryOne("SELECT COUNT(*) FROM tenants")?.decode(0) as Int? ?? 0
        } == 0
    }

    /// A second after the latest billing event of a reused database, or `now` on a new one.
    static func lastEventTime(_ database: Database, after now: Date) async throws -> Date {
        let last: Int64? = try await database.read { connection in
            try connection.queryOne("SELECT MAX(billing_event_at) FROM tenants")?.decode(0)
        }
        return max(now, Date(millisecondsSince1970: last ?? 0).addingTimeInterval(1))
    }

    /// The committed templates (`Templates/` next to this checkout): the admins' email is rendered
    /// in the transaction, so it is part of the work measured.
    static func templates() throws -> TemplateLibrary {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try TemplateLibrary(directory: root.appendingPathComponent("Templates"))
    }

    static func printTable(_ figures: [Figures]) {
        print(
            "measured: the whole BillingService.receive(subscription.updated to free/active) call: the hop to the"
                + " writer thread and its one write transaction, COMMIT included (WAL, synchronous=NORMAL);"
                + " 'empty write' is database.write { _ in } timed in the same rounds, to subtract;"
                + " p95 and max include WAL auto-checkpoints (about one round in 13)")
        let format = EnforcementBenchmark.Unit.milliseconds.format
        let header = [
            "tenant".padding(toLength: 24, withPad: " ", startingAt: 0), pad("users", 7), pad("own req.", 8),
            pad("policies", 8), pad("emailed", 7), pad("min", 9), pad("median", 9), pad("p95", 9), pad("max", 9),
        ]
        print(header.joined(separator: "  "))
        for figure in figures {
            for (name, times, counts) in [
                ("downgrade, " + figure.label, figure.downgrades, true),
                ("  empty write", figure.emptyWrites, false),
            ] {
                let sorted = times.sorted()
                let p95 = sorted[max(0, Int((0.95 * Double(sorted.count)).rounded(.up)) - 1)]
                let facts =
                    counts
                    ? [figure.users, figure.requirementsLifted, figure.policiesLifted, figure.adminsEmailed].map(
                        String.init) : ["", "", "", ""]
                let cells = [
                    name.padding(toLength: 24, withPad: " ", startingAt: 0), pad(facts[0], 7), pad(facts[1], 8),
                    pad(facts[2], 8), pad(facts[3], 7), pad(format(sorted[0]), 9),
                    pad(format(sorted[sorted.count / 2]), 9), pad(format(p95), 9),
                    pad(format(sorted[sorted.count - 1]), 9),
                ]
                print(cells.joined(separator: "  "))
            }
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String { EnforcementBenchmark.pad(text, width) }
}

extension EnforcementBenchData {
    /// Exactly `tenants`.
    init(now: Int64, tenants: [TenantSpec]) {
        self.now = now
        self.tenants = tenants
    }
}
