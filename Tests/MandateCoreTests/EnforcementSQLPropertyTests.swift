import Foundation
import SQLite
import Storage
import Testing

@testable import MandateCore

/// The SQL forms of the enforcement rule (`UserMFAListing` over `EnforcementStatusQuery`, and the general
/// `EnforcementSQL.statusTable`) against the Swift decision (`EnforcementDecision.decide`), on random tenants
/// stored in a real, fully migrated database (SQLite or PostgreSQL, see `ScratchDatabase`): for every user and
/// every instant tried, the same status, deadline and kinds of source; and the trigger-kept columns of migration
/// 0301 equal to what they summarize.
///
/// Deterministic: each seed drives a SplitMix64 generator (`EnforcementScenarios.swift`). Replay or explore
/// one seed with `MANDATE_ENFORCEMENT_SEED=<n> swift test --filter EnforcementSQLPropertyTests`.
@Suite("Enforcement SQL agrees with the decision")
struct EnforcementSQLPropertyTests {
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["MANDATE_ENFORCEMENT_SEED"], let seed = UInt64(text) {
            return [seed]
        }
        return [1, 2, 3, 4]
    }()

    /// Tenants per seed.
    static let tenantsPerSeed = 50

    @Test(
        "status, deadline and sources of every user, at random instants and on every side of deadlines",
        arguments: seeds)
    func sqlMatchesDecision(seed: UInt64) async throws {
        let store = try PropertyDatabase()
        var generator = ScenarioGenerator(seed: seed, plans: try Self.planFeatures())
        let scenarios = (0..<Self.tenantsPerSeed).map { generator.makeScenario(index: $0) }
        try await store.database.write { connection in
            for scenario in scenarios { try scenario.insert(on: connection) }
        }
        // Changes after the fact, in their own transaction, as the triggers see them in production.
        try await store.database.write { connection in
            for scenario in scenarios { try scenario.mutate(on: connection) }
        }
        let checks = try await store.database.read { connection in
            var report = CheckReport()
            try Self.checkTriggerColumns(report: &report, on: connection)
            for scenario in scenarios { try Self.check(scenario, report: &report, on: connection) }
            return report
        }
        let replay = "seed \(seed) (replay with MANDATE_ENFORCEMENT_SEED=\(seed))"
        let users = scenarios.map(\.records.count).reduce(0, +)
        // Coverage of the default seeds; a seed explored by hand may well miss a status or a tie.
        if Self.seeds.count > 1 {
            #expect(users > 300, "\(replay): too few users generated (\(users))")
            #expect(checks.comparisons > 3_000, "\(replay): too few comparisons (\(checks.comparisons))")
            #expect(
                MFAStatus.allCases.allSatisfy { checks.statuses[$0, default: 0] > 0 },
                "\(replay): not every status was generated: \(checks.statuses)")
            #expect(checks.onDeadline > 0 && checks.ties > 0, "\(replay): no check on a deadline, or no tie")
        }
        for mismatch in checks.mismatches.prefix(10) { Issue.record("\(replay): \(mismatch)") }
        #expect(checks.mismatches.isEmpty, "\(replay): \(checks.mismatches.count) mismatches")
    }

    /// Group bits above 31 (PostgreSQL's plain `1 << n` is a 32-bit integer) and past 63 groups (shared bits, the
    /// general subquery): the trigger-kept `mfa_group_bits` hold every bit, and the SQL still agrees with the decision.
    @Test("group bits above 31 and past 63 groups: 64-bit masks, and the same statuses as the decision")
    func highGroupBits() async throws {
        let store = try PropertyDatabase()
        var generator = ScenarioGenerator(seed: 63, plans: try Self.planFeatures())
        var scenario = generator.makeScenario(index: 0)
        let tenantID = scenario.tenant.id
        let created = scenario.tenant.createdAt
        // Inserted in order, group i holds bit i up to 62; groups 63 to 69 share bits with lower ones.
        scenario.groups = (0..<70).map { number in
            Group(
                id: "\(tenantID)g\(number)", tenantID: tenantID, name: "group \(number)", description: "",
                createdAt: created, updatedAt: created)
        }
        let group: @Sendable (Int) -> String = { number in "\(tenantID)g\(number)" }
        let start = Date(millisecondsSince1970: ScenarioGenerator.anchor)
        func policy(_ number: Int, all: Bool, include: [Int], exclude: [Int], days: Int) -> MFAPolicy {
            MFAPolicy(
                id: "\(tenantID)p\(number)", tenantID: tenantID, name: "policy \(number)", enabled: true,
                includesAllUsers: all, includedGroupIDs: include.map(group), excludedGroupIDs: exclude.map(group),
                enrollmentDays: days, enabledAt: start.addingTimeInterval(Double(number) * 86_400), createdAt: created,
                updatedAt: created)
        }
        scenario.policies = [
            policy(0, all: false, include: [40, 62], exclude: [50], days: 7),
            policy(1, all: true, include: [], exclude: [33], days: 0),
            policy(2, all: false, include: [65], exclude: [], days: 3),
            policy(3, all: false, include: [31, 32], exclude: [61], days: 1),
        ]
        let memberships = [31, 32, 33, 40, 50, 61, 62, 65, 2]
        for index in scenario.records.indices {
            var joined: [String: Date] = [:]
            for number in memberships where generator.chance(0.35) { joined[group(number)] = generator.time() }
            scenario.records[index].memberships = joined
        }
        scenario.features = Set(Feature.allCases)
        scenario.sharesGroupBits = false
        scenario.mutations = scenario.records.prefix(3).map {
            .removeMembership(userID: $0.user.id, groupID: group(62))
        }
        let stored = scenario
        try await store.database.write { connection in try stored.insert(on: connection) }
        try await store.database.write { connection in try stored.mutate(on: connection) }
        let checks = try await store.database.read { connection in
            var report = CheckReport()
            var bits: [String: Int64] = [:]
            for row in try connection.query("SELECT id, mfa_bit FROM user_groups WHERE tenant_id = ?", tenantID) {
                bits[try row.decode(0)] = try row.decode(1)
            }
            for number in 0..<63 where bits[group(number)] != Int64(number) {
                report.mismatches.append("group \(number) holds bit \(bits[group(number)].map(String.init) ?? "none")")
            }
            for row in try connection.query(
                "SELECT u.id, u.mfa_group_bits FROM users u WHERE u.tenant_id = ? ORDER BY u.id", tenantID)
            {
                let userID: String = try row.decode(0)
                let stored: Int64 = try row.decode(1)
                var expected: Int64 = 0
                for member in try connection.query("SELECT group_id FROM group_members WHERE user_id = ?", userID) {
                    if let bit = bits[try member.decode(0)] { expected |= 1 << bit }
                }
                if stored != expected {
                    report.mismatches.append("user \(userID): bits \(stored), expected \(expected)")
                }
            }
            try Self.checkTriggerColumns(report: &report, on: connection)
            try Self.check(stored, report: &report, on: connection)
            return report
        }
        #expect(checks.comparisons > 50, "too few comparisons (\(checks.comparisons))")
        for mismatch in checks.mismatches.prefix(10) { Issue.record("\(mismatch)") }
        #expect(checks.mismatches.isEmpty, "\(checks.mismatches.count) mismatches")
    }

    /// The feature sets of the committed catalog's plans.
    static func planFeatures() throws -> [Set<Feature>] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/plans.json")
        return try PlanCatalog.load(from: url).plans.map(\.features)
    }

    struct CheckReport: Sendable {
        var comparisons = 0
        var mismatches: [String] = []
        /// How often each status was expected: every one must turn up.
        var statuses: [MFAStatus: Int] = [:]
        /// Checks at exactly a user's deadline, and with a graced and an ungraced source tied on it.
        var onDeadline = 0
        var ties = 0
    }

    /// `users.mfa_floor`, `mfa_group_bits` and `mfa_last_joined_at` equal what they summarize.
    static func checkTriggerColumns(report: inout CheckReport, on connection: Connection) throws {
        let dialect = connection.dialect
        let floor = dialect.greatest([
            "COALESCE(u.activated_at, \(EnforcementSQL.noTime))",
            "COALESCE(u.mfa_enrollment_reset_at, \(EnforcementSQL.noTime))",
        ])
        let bits = """
            COALESCE((
                    SELECT SUM(DISTINCT \(dialect.bit("g.mfa_bit"))) FROM group_members m JOIN user_groups g ON g.id = m.group_id
                    WHERE m.user_id = u.id), 0)
            """
        let lastJoined = "(SELECT MAX(m.added_at) FROM group_members m WHERE m.user_id = u.id)"
        let stale = try connection.query(
            """
            SELECT u.id FROM users u
            WHERE \(dialect.isDistinct("u.mfa_floor", floor))
                OR \(dialect.isDistinct("u.mfa_group_bits", bits))
                OR \(dialect.isDistinct("u.mfa_last_joined_at", lastJoined))
            """)
        for row in stale { report.mismatches.append("stale trigger columns for user \(try row.decode(0) as String)") }
    }

    /// Compares SQL and Swift for every user of `scenario` at each of its instants.
    static func check(_ scenario: Scenario, report: inout CheckReport, on connection: Connection) throws {
        guard let tenant = try TenantStore.find(id: scenario.tenant.id, on: connection) else {
            report.mismatches.append("tenant \(scenario.tenant.id) was not stored")
            return
        }
        let features = scenario.features
        var inputs: [String: EnforcementInput] = [:]
        for record in scenario.records {
            guard let user = try UserStore.find(id: record.user.id, tenantID: tenant.id, on: connection) else {
                continue
            }
            inputs[user.id] = try EnforcementStore.input(tenant: tenant, user: user, features: features, on: connection)
                .0
        }
        for now in scenario.instants(inputs: inputs) {
            let expected = inputs.mapValues { EnforcementDecision.decide($0, now: now) }
            let context = "tenant \(tenant.slug) at \(now.millisecondsSince1970) ms"
            let listed = try UserMFAListing.list(
                tenant: tenant, features: features, now: now, filter: UserFilter(), after: nil, limit: 100_000,
                on: connection)
            if listed.count != expected.count {
                report.mismatches.append("\(context): listed \(listed.count) users, expected \(expected.count)")
            }
            let emails = listed.map(\.0.email)
            if emails != emails.sorted() { report.mismatches.append("\(context): not ordered by email") }
            // The general form is slower: every third instant is enough.
            let general =
                now.millisecondsSince1970 % 3 == 0
                ? try generalStatuses(tenant: tenant, features: features, now: now, on: connection) : [:]
            for (user, summary) in listed {
                report.comparisons += 1
                guard let decision = expected[user.id], let input = inputs[user.id] else {
                    report.mismatches.append("\(context): unexpected user \(user.id)")
                    continue
                }
                count(decision, at: now, in: &report)
                let sources = Set(decision.sources.map(\.kind.summarySource))
                if summary.status != decision.status || summary.deadline != decision.deadline
                    || Set(summary.sources) != sources || summary.sources.count != sources.count
                {
                    report.mismatches.append(
                        """
                        \(context), user \(user.email): SQL \(summary.status.rawValue) \
                        \(describe(summary.deadline)) \(summary.sources.map(\.rawValue)); Swift \
                        \(decision.status.rawValue) \(describe(decision.deadline)) \
                        \(decision.sources.map { "\($0.kind) \(describe($0.start))→\(describe($0.deadline))" }); \
                        input \(describe(input))
                        """)
                }
                if let other = general[user.id],
                    other.status != decision.status.rawValue || other.deadline != decision.deadline
                {
                    report.mismatches.append(
                        """
                        \(context), user \(user.email): statusTable \(other.status) \(describe(other.deadline)); \
                        Swift \(decision.status.rawValue) \(describe(decision.deadline)); input \(describe(input))
                        """)
                }
            }
            try checkCountsAndFilters(
                tenant: tenant, features: features, now: now, expected: expected, report: &report, on: connection)
        }
    }

    static func count(_ decision: EnforcementDecision, at now: Date, in report: inout CheckReport) {
        report.statuses[decision.status, default: 0] += 1
        if decision.deadline == now { report.onDeadline += 1 }
        let earliest = decision.sources.filter { $0.deadline == decision.deadline }
        if earliest.contains(where: \.hasGracePeriod), earliest.contains(where: { !$0.hasGracePeriod }) {
            report.ties += 1
        }
    }

    /// Status and deadline of every user by the general `EnforcementSQL.statusTable`.
    static func generalStatuses(tenant: Tenant, features: Set<Feature>, now: Date, on connection: Connection) throws
        -> [String: (status: String, deadline: Date?)]
    {
        var statuses: [String: (status: String, deadline: Date?)] = [:]
        let rows = try connection.query(
            "SELECT s.id, s.mfa_status, s.mfa_key FROM (\(EnforcementSQL.statusTable[connection.dialect])) s",
            named: EnforcementSQL.parameters(tenant: tenant, features: features, now: now))
        for row in rows {
            let status: String = try row.decode(1)
            let key: Int64? = try row.decode(2)
            statuses[try row.decode(0)] = (
                status, status == MFAStatus.preEnrollment.rawValue ? nil : key.map(EnforcementSQL.deadline(ofKey:))
            )
        }
        return statuses
    }

    /// Counts, and the filters that lean on the rule: one status (in turn), and "a requirement applies".
    static func checkCountsAndFilters(
        tenant: Tenant, features: Set<Feature>, now: Date, expected: [String: EnforcementDecision],
        report: inout CheckReport, on connection: Connection
    ) throws {
        let context = "tenant \(tenant.slug) at \(now.millisecondsSince1970) ms"
        var expectedCounts = Dictionary(uniqueKeysWithValues: MFAStatus.allCases.map { ($0, 0) })
        for decision in expected.values { expectedCounts[decision.status, default: 0] += 1 }
        let counts = try UserMFAListing.counts(
            tenant: tenant, features: features, now: now, filter: UserFilter(), on: connection)
        if counts != expectedCounts {
            report.mismatches.append("\(context): counts \(counts), expected \(expectedCounts)")
        }
        let status = MFAStatus.allCases[Int(now.millisecondsSince1970.magnitude % UInt64(MFAStatus.allCases.count))]
        let byStatus = try UserMFAListing.list(
            tenant: tenant, features: features, now: now, filter: UserFilter(mfaStatus: status), after: nil,
            limit: 100_000, on: connection)
        if Set(byStatus.map(\.0.id)) != Set(expected.filter { $0.value.status == status }.keys) {
            report.mismatches.append("\(context): the \(status.rawValue) filter lists other users")
        }
        let required = try UserMFAListing.list(
            tenant: tenant, features: features, now: now, filter: UserFilter(required: true), after: nil,
            limit: 100_000, on: connection)
        if Set(required.map(\.0.id)) != Set(expected.filter { !$0.value.canDisableMFA }.keys) {
            report.mismatches.append("\(context): the required filter lists other users")
        }
    }

    static func describe(_ date: Date?) -> String {
        date.map { "\($0.millisecondsSince1970)" } ?? "nil"
    }

    static func describe(_ input: EnforcementInput) -> String {
        let policies = input.groupPolicies.map { policy in
            "\(policy.id)(all: \(policy.includesAllUsers), in: \(policy.includedGroups.sorted()), "
                + "out: \(policy.excludedGroups.sorted()), days: \(policy.enrollmentDays), "
                + "at: \(describe(policy.enabledAt)))"
        }
        return """
            features \(input.features.map(\.rawValue).sorted()), expiry \(input.expiryAction.rawValue), \
            org(\(input.org.required), \(input.org.enrollmentDays) d, \(input.org.appliesTo.rawValue), \
            \(describe(input.org.enabledAt))), user(\(input.user.required), \(input.user.enrollmentDays) d, \
            \(describe(input.user.requiredAt)), lifted \(describe(input.user.liftedAt))), policies \(policies), memberships \
            \(input.memberships.mapValues { $0.millisecondsSince1970 }), \(input.userStatus.rawValue) \
            \(input.role.rawValue) \(input.authSource.rawValue), activated \(describe(input.activatedAt)), reset \
            \(describe(input.enrollmentResetAt)), exempt \(input.exempt) until \(describe(input.exemptUntil)), \
            enrolled \(input.enrolled)
            """
    }
}

extension EnforcementDecision.SourceKind {
    fileprivate var summarySource: UserMFASummary.Source {
        switch self {
        case .org: .org
        case .user: .user
        case .group: .group
        }
    }
}
