import Foundation
import Glibc
import HTMLTemplates
import Lifecycle
import MandateCore
import SQLite
import Storage

/// The enforcement sweep (`EnforcementSweeper`, run by the scheduler every 5 minutes) on a large
/// database: `--users` (default 1,000,000) users over `--tenants` (default 10,000) tenants, all in
/// Europe/Berlin with the sign-out policy `midnight` and org-wide MFA required (14 days of grace;
/// 90 % of tenants past the deadline, one in five of them with `lock_out`; 10 % in the middle of the
/// period), ~30 % of users enrolled, 5 % invited, 2 % exempt (half of them with an exemption that
/// ran out), one full session per 4 users.
///
/// Times whole sweeps, one at a time, in one process, on the injected clock:
/// - 23:55, the first sweep ever of this database: the backlog of lock-out events, start emails
///   and expired exemptions (what deploying the sweeper on a populated database costs once);
/// - 00:00:30, just past local midnight, every tenant due at once (the worst case of the policy):
///   the full sessions of every user who must set up MFA end;
/// - 00:05:30, nothing left to do: the steady cost of the 5-minute task;
/// - 00:00:30 the next night, and 00:05:30 again.
///
/// Target: a sweep of the 1,000,000-user database in ≤ 30 s. `--db PATH` keeps the generated
/// database there (default: a temporary file, removed at the end), `--generate-only` stops after
/// writing it, and `--reuse` sweeps the one already at `--db` (a copy of a generated file: sweeping
/// changes it); `--resources DIR` is the folder holding `Fixtures/` and `Templates/` (default: the
/// current directory).
enum SweepBenchmark {
    static let day: TimeInterval = 86_400
    /// 2026-03-11T00:00:30 in Berlin (CET): just past a local midnight.
    static let firstMidnight = Date(timeIntervalSince1970: 1_773_183_600)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String]) async throws {
        let users = max(1, Int(option("--users", in: arguments) ?? "") ?? 1_000_000)
        let tenants = max(1, min(users, Int(option("--tenants", in: arguments) ?? "") ?? 10_000))
        let resources = URL(
            fileURLWithPath: option("--resources", in: arguments) ?? FileManager.default.currentDirectoryPath)
        let keep = option("--db", in: arguments)
        let reuse = keep != nil && arguments.contains("--reuse")
        let directory = NSTemporaryDirectory() + "mandate-sweep-bench-" + UUID().uuidString
        let path = keep ?? directory + "/bench.sqlite"
        if keep == nil { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }
        if !reuse { try? FileManager.default.removeItem(atPath: path) }

        let database = try Database(path: path, readerCount: 2)
        defer { database.close() }
        _ = try await Schema.migrator(for: database.dialect).migrate(database)
        let clock = ManualClock(firstMidnight.addingTimeInterval(30))
        if !reuse {
            let generation = Date()
            try await generate(database, users: users, tenants: tenants, now: clock.now())
            print(String(format: "generated in %.1f s", Date().timeIntervalSince(generation)))
        }
        if arguments.contains("--generate-only") { return }
        let counts = try await database.read { connection in
            try ["users", "tenants", "sessions"].map { table in
                try connection.queryOne("SELECT COUNT(*) FROM \(table)")?.decode(0) as Int? ?? 0
            }
        }
        print(
            "# enforcement sweep, \(counts[0]) users over \(counts[1]) tenants, \(counts[2]) sessions, one process; "
                + MachineInfo.summary)

        let catalog = try PlanCatalog.load(from: resources.appendingPathComponent("Fixtures/plans.json"))
        let templates = try TemplateLibrary(directory: resources.appendingPathComponent("Templates"))
        let hasher = PasswordHasher(threads: 1)  // never used: the sweep hashes nothing
        defer { hasher.shutdown() }
        let environment = CoreEnvironment(
            database: database, clock: clock, catalog: catalog, hasher: hasher,
            blocklist: PasswordBlocklist(entries: []),
            logger: Logger(label: "bench", level: .warning), publicBaseURL: "https://mandate.bench",
            templates: templates)
        let sweeper = EnforcementSweeper(environment: environment)
        var slowest = 0.0
        let steps: [(String, TimeInterval)] = [
            ("23:55, first sweep ever", -300), ("00:00:30, midnight", 30), ("00:05:30, nothing to do", 330),
            ("00:00:30, next midnight", day + 30), ("00:05:30, nothing to do", day + 330),
        ]
        for (label, offset) in steps {
            clock.set(firstMidnight.addingTimeInterval(offset))
            let start = ContinuousClock.now
            let report = try await sweeper.sweep()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            slowest = max(slowest, seconds)
            guard report.failedTenants == 0 else {
                throw Failure(description: "\(report.failedTenants) tenants failed")
            }
            print(
                label.padding(toLength: 25, withPad: " ", startingAt: 0) + String(format: " %7.2f s", seconds)
                    + "  sessions ended \(report.sessionsEnded), midnights \(report.midnightsSwept),"
                    + " locked out \(report.usersLockedOut), exemptions ended \(report.exemptionsEnded),"
                    + " emails \(report.noticesSent)")
        }
        print(
            "target ≤ 30 s per sweep at 1,000,000 users: \(slowest <= 30 ? "met" : "NOT met") (slowest \(String(format: "%.2f", slowest)) s)"
        )
    }

    /// Writes the tenants, users and sessions, 10,000 users per transaction.
    static func generate(_ database: Database, users: Int, tenants: Int, now: Date) async throws {
        let previousMidnight = firstMidnight.addingTimeInterval(-day).millisecondsSince1970
        let nowMS = now.millisecondsSince1970
        let dayMS: Int64 = 86_400_000
        try await database.write { connection in
            for tenant in 0..<tenants {
                // 90 %: enforcement on for 30 days (deadlines passed); 10 %: 1 to 13 days ago.
                let enabledAt = tenant % 10 == 9 ? nowMS - Int64(tenant % 13 + 1) * dayMS : nowMS - 30 * dayMS
                try connection.run(
                    """
                    INSERT INTO tenants (id, slug, name, plan, subscription_status, time_zone, created_at, updated_at,
                        mfa_required, mfa_enrollment_days, mfa_enabled_at, mfa_expiry_action, mfa_sign_out_policy,
                        mfa_midnight_swept_at)
                    VALUES (?, ?, ?, 'enterprise', 'active', 'Europe/Berlin', ?, ?, 1, 14, ?, ?, 'midnight', ?)
                    """, tenantID(tenant), "tenant-\(tenant)", "Tenant \(tenant)", nowMS - 90 * dayMS,
                    nowMS - 90 * dayMS, enabledAt, tenant % 5 == 4 ? "lock_out" : "force_setup", previousMidnight)
            }
        }
        let chunk = 10_000
        var done = 0
        while done < users {
            let range = done..<min(done + chunk, users)
            try await database.write { connection in
                for index in range { try insertUser(index, users: users, tenants: tenants, now: nowMS, on: connection) }
            }
            done = range.upperBound
            progress(done, of: users)
        }
    }

    private static func tenantID(_ tenant: Int) -> String { "t" + String(tenant) }

    /// User `index`: the `index / tenants`-th user of tenant `index % tenants`.
    private static func insertUser(_ index: Int, users: Int, tenants: Int, now: Int64, on connection: Connection)
        throws
    {
        let dayMS: Int64 = 86_400_000
        let tenant = index % tenants
        let slot = index / tenants
        let userID = "u" + String(index)
        let invited = slot % 20 == 19
        let exemptUntil: Int64? = slot % 50 == 7 ? now - 3_600_000 : nil
        try connection.run(
            """
            INSERT INTO users (id, tenant_id, email, name, role, status, auth_source, activated_at, created_at,
                updated_at, mfa_enrolled, mfa_exempt, mfa_exempt_until)
            VALUES (?, ?, ?, ?, 'member', ?, 'local', ?, ?, ?, ?, ?, ?)
            """, userID, tenantID(tenant), "user\(slot)@tenant-\(tenant).example", "User \(slot)",
            invited ? "invited" : "active", invited ? nil : now - 60 * dayMS, now - 90 * dayMS, now - 90 * dayMS,
            slot % 10 < 3, slot % 50 == 7 || slot % 50 == 8, exemptUntil)
        guard slot % 4 == 0 else { return }
        var token = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: UInt64(index).littleEndian) { token.replaceSubrange(0..<8, with: $0) }
        try connection.run(
            """
            INSERT INTO sessions (id, token_hash, tenant_id, user_id, kind, scope, csrf_token, created_at, last_seen_at,
                expires_at, authenticated_at)
            VALUES (?, ?, ?, ?, 'browser', 'full', 'csrf', ?, ?, ?, ?)
            """, "s" + String(index), token, tenantID(tenant), userID, now - 7_200_000, now - 300_000,
            now + 10 * 3_600_000, now - 7_200_000)
    }

    /// A progress bar on standard error, redrawn in place on a terminal.
    private static func progress(_ done: Int, of total: Int) {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "generating \(bar) \(done)/\(total) users"
        if isatty(2) != 0 {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (done == total ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
