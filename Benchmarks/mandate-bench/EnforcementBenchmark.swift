import Crypto
import Foundation
import HTMLTemplates
import Lifecycle
import MandateCore
import SQLite
import Storage

/// MFA enforcement at scale (DESIGN.md §3 "Enforcement"), through the public services on a SQLite file in a
/// temporary folder: switching the organization-wide requirement off and on (one row, whatever the
/// tenant's size: timed on 100,000 and on 1,000 users), the first page of users filtered by each MFA
/// status, the counts by status, and one status decision in Swift. `--large` adds 9,998 tenants for
/// 1,000,000 users in all; `--runs N` (default 7) sets the runs per figure (median); `--keep` keeps the
/// file and prints its path.
enum EnforcementBenchmark {
    struct Row {
        let metric: String
        let measured: Double
        /// None for figures shown for information.
        let target: Double?
        let unit: Unit
    }

    enum Unit {
        case milliseconds
        case nanoseconds

        func format(_ value: Double) -> String {
            switch self {
            case .milliseconds: String(format: value < 10 ? "%.2f ms" : "%.1f ms", value)
            case .nanoseconds: String(format: "%.0f ns", value)
            }
        }
    }

    static func run(_ arguments: [String]) async throws {
        let large = arguments.contains("--large")
        let keep = arguments.contains("--keep")
        let runs = max(1, Int(option("--runs", in: arguments) ?? "") ?? 7)
        // A fixed instant, so every run sees the same statuses.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_772_366_400))  // 2026-03-01T12:00:00Z
        let data = EnforcementBenchData(now: clock.now().millisecondsSince1970, large: large)
        print(
            "# MFA enforcement: \(data.tenants.count) tenants, \(data.userCount) users, median of \(runs) runs; "
                + MachineInfo.summary)

        // `--db PATH` reuses a file kept by an earlier run (`--keep`) with the same options.
        let reused = option("--db", in: arguments)
        let directory = NSTemporaryDirectory() + "mandate-bench-enforcement-" + UUID().uuidString
        let path = reused ?? directory + "/enforcement.sqlite"
        if reused == nil {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try Database(path: path, readerCount: 2)
        defer {
            database.close()
            if keep || reused != nil {
                print("database kept at \(path)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        _ = try await Schema.migrator(for: database.dialect).migrate(database)
        if reused == nil {
            let clockStart = ContinuousClock.now
            // No ANALYZE afterwards: the service never runs it, so the plans measured are its plans.
            try await data.generate(into: database)
            print("generated in \(format(ContinuousClock.now - clockStart))")
        }

        let hasher = PasswordHasher(parameters: .testing, threads: 1)
        defer { hasher.shutdown() }
        let environment = CoreEnvironment(
            database: database, clock: clock, catalog: try catalog(), hasher: hasher,
            blocklist: PasswordBlocklist(entries: []), logger: Logger(label: "bench", level: .error),
            publicBaseURL: "http://localhost", templates: try TemplateLibrary(templates: [:]))
        let tenants = TenantService(environment: environment)
        guard let big = try await tenants.tenant(slug: "bench-big"),
            let small = try await tenants.tenant(slug: "bench-small")
        else { throw BenchFailure("the generated tenants are missing") }
        let bigAdmin = Principal(tenant: big, user: nil, credential: .apiKey(id: "key_bench", name: "bench"))
        let smallAdmin = Principal(tenant: small, user: nil, credential: .apiKey(id: "key_bench", name: "bench"))

        var rows: [Row] = []
        let users = UserService(environment: environment)
        let enforcement = EnforcementService(environment: environment)
        let counts = try await enforcement.counts(bigAdmin)
        print(
            "statuses of the 100,000-user tenant: "
                + MFAStatus.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
        for status in MFAStatus.allCases {
            let page = try await median(runs) {
                let page = try await users.list(
                    bigAdmin, filter: UserFilter(mfaStatus: status), cursor: nil, limit: 50)
                guard page.users.count == min(50, counts[status] ?? 0) else {
                    throw BenchFailure("the \(status.rawValue) page has \(page.users.count) users")
                }
            }
            rows.append(
                Row(metric: "first page (50), \(status.rawValue)", measured: page, target: 50, unit: .milliseconds))
        }
        // The worst case: a status nobody has (400 days on, no period is running), so the whole
        // tenant is read before the page is known to be empty.
        let start = clock.now()
        clock.advance(by: 400 * 86_400)
        let emptyPage = try await median(runs) {
            let page = try await users.list(
                bigAdmin, filter: UserFilter(mfaStatus: .enrollmentPeriod), cursor: nil, limit: 50)
            guard page.users.isEmpty else { throw BenchFailure("enrollment_period is not empty 400 days on") }
        }
        clock.set(start)
        rows.append(
            Row(metric: "first page (0), a status nobody has", measured: emptyPage, target: nil, unit: .milliseconds))
        let unfiltered = try await median(runs) {
            _ = try await users.list(bigAdmin, filter: UserFilter(), cursor: nil, limit: 50)
        }
        rows.append(Row(metric: "first page (50), no filter", measured: unfiltered, target: 50, unit: .milliseconds))
        let countTime = try await median(runs) { _ = try await enforcement.counts(bigAdmin) }
        rows.append(Row(metric: "counts by status", measured: countTime, target: 200, unit: .milliseconds))
        // The rest of the administrators' overview (`GET /admin`).
        let overview = EnforcementOverviewService(environment: environment)
        let progressTime = try await median(runs) { _ = try await overview.enrollmentProgress(bigAdmin) }
        rows.append(
            Row(metric: "enrollment progress, 30 days", measured: progressTime, target: 200, unit: .milliseconds))
        let sourcesTime = try await median(runs) { _ = try await overview.userSources(bigAdmin) }
        rows.append(
            Row(metric: "own requirements, exemptions", measured: sourcesTime, target: 50, unit: .milliseconds))
        rows.append(
            Row(
                metric: "decide(), 2 group policies", measured: try decisionNanoseconds(runs: runs), target: 2_000,
                unit: .nanoseconds))
        for (label, principal) in [("100,000 users", bigAdmin), ("1,000 users", smallAdmin)] {
            var toggles: [Double] = []
            for _ in 0..<runs {
                for required in [false, true] {
                    var changes = TenantService.SettingsChanges()
                    changes.mfaRequired = required
                    let start = ContinuousClock.now
                    _ = try await tenants.updateSettings(principal, changes: changes, origin: .commandLine)
                    toggles.append(milliseconds(ContinuousClock.now - start))
                }
            }
            rows.append(
                Row(
                    metric: "org enforcement off/on, \(label)", measured: toggles.sorted()[toggles.count / 2],
                    target: 5, unit: .milliseconds))
        }
        // Switching on restarted the clock (`mfa_enabled_at` = now): put back the generated start, so a
        // later run on this file (`--db`) sees the same statuses.
        let enabledAt = data.now - 20 * EnforcementBenchData.day
        _ = try await database.write { connection in
            try connection.run(
                "UPDATE tenants SET mfa_enabled_at = ? WHERE mfa_required AND id IN (?, ?)", enabledAt, big.id, small.id
            )
        }
        printTable(rows)
    }

    /// The median time of `runs` calls of `body`, after one warm-up call, in milliseconds.
    static func median(_ runs: Int, _ body: () async throws -> Void) async throws -> Double {
        try await body()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try await body()
            times.append(milliseconds(ContinuousClock.now - start))
        }
        return times.sorted()[times.count / 2]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }

    static func format(_ duration: Duration) -> String { String(format: "%.1f s", milliseconds(duration) / 1e3) }

    static func printTable(_ rows: [Row]) {
        let width = max(40, rows.map(\.metric.count).max() ?? 0)
        print(
            "metric".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + pad("measured", 10) + "  "
                + pad("target", 12) + "  result")
        for row in rows {
            let target = row.target.map { "≤ " + row.unit.format($0) } ?? "—"
            let result = row.target.map { row.measured <= $0 ? "pass" : "FAIL" } ?? "info"
            print(
                row.metric.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + pad(row.unit.format(row.measured), 10) + "  " + pad(target, 12) + "  " + result)
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// The committed catalog (`Fixtures/plans.json` next to this checkout).
    static func catalog() throws -> PlanCatalog {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try PlanCatalog.load(from: root.appendingPathComponent("Fixtures/plans.json"))
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension EnforcementBenchmark {
    /// Nanoseconds per `EnforcementDecision.decide` call: median of `runs` runs of 2,000,000 calls over
    /// 64 inputs like the generated users' (enterprise features, the organization's requirement, two
    /// group policies, one to three memberships, some own requirements and exemptions), at instants that
    /// move by a millisecond per call. Every decision feeds a checksum that is printed, so none can be
    /// optimized away.
    static func decisionNanoseconds(runs: Int) throws -> Double {
        let now = Date(timeIntervalSince1970: 1_772_366_400)
        let day: TimeInterval = 86_400
        var random = BenchRandom(seed: 42)
        let features = try catalog().plan("enterprise")?.features ?? []
        var engineering = EnforcementInput.GroupPolicy(id: "pol_engineering", enabledAt: now - 30 * day)
        engineering.includedGroups = ["grp_0", "grp_1", "grp_2"]
        engineering.excludedGroups = ["grp_19"]
        engineering.enrollmentDays = 14
        var finance = EnforcementInput.GroupPolicy(id: "pol_finance", enabledAt: now - 60 * day)
        finance.includedGroups = ["grp_3"]
        let inputs = (0..<64).map { index in
            var input = EnforcementInput()
            input.features = features
            input.expiryAction = .lockOut
            input.org.required = true
            input.org.enrollmentDays = 7
            input.org.enabledAt = now - 20 * day
            input.groupPolicies = [engineering, finance]
            input.activatedAt = now - Double(random.int(1..<730)) * day
            input.authSource = index % 7 == 0 ? .sso : .local
            input.enrolled = index % 3 == 0
            for _ in 0..<(1 + index % 3) {
                input.memberships["grp_\(random.int(0..<20))"] = now - Double(random.int(0..<400)) * day
            }
            if index % 16 == 5 {
                input.user.required = true
                input.user.requiredAt = now - 2 * day
            }
            if index % 32 == 9 {
                input.exempt = true
                input.exemptUntil = now + 3 * day
            }
            return input
        }
        let iterations = 2_000_000
        var checksum = 0
        var rates: [Double] = []
        for run in -1..<runs {
            let start = ContinuousClock.now
            for index in 0..<iterations {
                let decision = EnforcementDecision.decide(
                    inputs[index & 63], now: now + Double(index & 4_095) / 1_000)
                checksum &+=
                    decision.sources.count &+ (decision.canSkipSetup ? 2 : 0)
                    &+ Int(decision.deadline?.timeIntervalSince1970 ?? 0)
            }
            // The first run is a warm-up.
            if run >= 0 { rates.append(milliseconds(ContinuousClock.now - start) * 1e6 / Double(iterations)) }
        }
        print("decide(): \(iterations) calls per run, checksum \(checksum)")
        return rates.sorted()[rates.count / 2]
    }
}
