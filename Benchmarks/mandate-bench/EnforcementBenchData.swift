import Foundation
import Glibc
import SQLite
import Storage

/// The data of the `enforcement` benchmark, written straight into a migrated database with plain SQL
/// (the stores are internal to MandateCore; the services are measured, not used to fill the file).
///
/// Every tenant has about 30% of users enrolled (an active TOTP factor: the `mfa_factors` triggers
/// keep `users.mfa_enrolled`), 5% invited, 2% suspended, 15% signing in through SSO, a few own
/// requirements, exemptions and enrollment resets, and group memberships. Enterprise tenants also
/// have two group policies. Everything follows from a seed, so runs compare.
struct EnforcementBenchData {
    /// One tenant to generate.
    struct TenantSpec: Sendable {
        let id: String
        let slug: String
        let plan: String
        let userCount: Int
        let groupCount: Int
        /// The organization-wide requirement: on with 7 days, switched on 20 days ago, `lock_out`,
        /// `local_only` (so SSO users without another source are `not_enrolled`).
        let orgRequired: Bool
        /// The share of users (after the first, the owner) who are admins. 3% by default, as in the
        /// `enforcement` benchmark; `downgrade` asks for about 10 per tenant, since each active owner
        /// and admin gets an email then.
        var adminShare = 0.03
    }

    static let day: Int64 = 86_400_000
    let now: Int64
    let tenants: [TenantSpec]

    /// The 100,000-user tenant, the 1,000-user tenant, and with `large` enough 90-user tenants for
    /// 10,000 tenants and 1,000,000 users in all.
    init(now: Int64, large: Bool) {
        self.now = now
        var tenants = [
            TenantSpec(
                id: "ten_bench_big", slug: "bench-big", plan: "enterprise", userCount: 100_000, groupCount: 20,
                orgRequired: true),
            TenantSpec(
                id: "ten_bench_small", slug: "bench-small", plan: "enterprise", userCount: 1_000, groupCount: 20,
                orgRequired: true),
        ]
        if large {
            let others = 9_998
            let remaining = 1_000_000 - 101_000
            let plans = ["free", "team", "business", "enterprise"]
            for index in 0..<others {
                tenants.append(
                    TenantSpec(
                        id: "ten_bench_\(index)", slug: "bench-\(index)", plan: plans[index % plans.count],
                        userCount: remaining / others + (index < remaining % others ? 1 : 0), groupCount: 5,
                        orgRequired: index % 3 != 0))
            }
        }
        self.tenants = tenants
    }

    var userCount: Int { tenants.map(\.userCount).reduce(0, +) }

    /// Writes every tenant, in transactions of about 5,000 users, drawing progress on standard error.
    func generate(into database: Database) async throws {
        var progress = BenchProgressBar(title: "generating")
        let total = userCount
        var done = 0
        progress.update(0, of: total, "users")
        var batch: [(TenantSpec, Range<Int>)] = []
        var batchSize = 0
        for tenant in tenants {
            var start = 0
            while start < tenant.userCount {
                let end = min(tenant.userCount, start + 5_000 - batchSize)
                batch.append((tenant, start..<end))
                batchSize += end - start
                start = end
                if batchSize >= 5_000 {
                    try await write(batch, into: database)
                    done += batchSize
                    progress.update(done, of: total, "users")
                    batch = []
                    batchSize = 0
                }
            }
        }
        if !batch.isEmpty {
            try await write(batch, into: database)
            done += batchSize
        }
        progress.update(done, of: total, "users")
    }

    private func write(_ batch: [(TenantSpec, Range<Int>)], into database: Database) async throws {
        let now = self.now
        try await database.write { connection in
            for (tenant, range) in batch {
                if range.lowerBound == 0 { try Self.insertTenant(tenant, now: now, on: connection) }
                for index in range { try Self.insertUser(index, of: tenant, now: now, on: connection) }
            }
        }
    }

    private static func insertTenant(_ tenant: TenantSpec, now: Int64, on connection: Connection) throws {
        let created = now - 800 * day
        try connection.run(
            """
            INSERT INTO tenants (id, slug, name, plan, subscription_status, created_at, updated_at, mfa_required,
                mfa_enrollment_days, mfa_enabled_at, mfa_expiry_action, mfa_applies_to)
            VALUES (?, ?, ?, ?, 'active', ?, ?, ?, 7, ?, 'lock_out', 'local_only')
            """, tenant.id, tenant.slug, "Bench \(tenant.slug)", tenant.plan, created, created, tenant.orgRequired,
            tenant.orgRequired ? now - 20 * day : nil as Int64?)
        for group in 0..<tenant.groupCount {
            try connection.run(
                "INSERT INTO user_groups (id, tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                groupID(tenant, group), tenant.id, "group \(group)", created, created)
        }
        guard tenant.plan == "enterprise", tenant.groupCount >= 5 else { return }
        // Members of groups 0–2 get 14 days unless in the last group; members of group 3 are due at once.
        let policies: [(name: String, days: Int, age: Int64, include: [Int], exclude: [Int])] = [
            ("engineering", 14, 30, [0, 1, 2], [tenant.groupCount - 1]),
            ("finance", 0, 60, [3], []),
        ]
        for (number, policy) in policies.enumerated() {
            let policyID = "\(tenant.id)_pol\(number)"
            try connection.run(
                """
                INSERT INTO mfa_policies (id, tenant_id, name, enabled, include_all, enrollment_days, enabled_at,
                    created_at, updated_at)
                VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?)
                """, policyID, tenant.id, policy.name, policy.days, now - policy.age * day, created, created)
            for group in policy.include {
                try connection.run(
                    "INSERT INTO mfa_policy_groups (policy_id, group_id, kind) VALUES (?, ?, 'include')", policyID,
                    groupID(tenant, group))
            }
            for group in policy.exclude {
                try connection.run(
                    "INSERT INTO mfa_policy_groups (policy_id, group_id, kind) VALUES (?, ?, 'exclude')", policyID,
                    groupID(tenant, group))
            }
        }
    }

    private static func groupID(_ tenant: TenantSpec, _ group: Int) -> String { "\(tenant.id)_grp\(group)" }

    private static func insertUser(_ index: Int, of tenant: TenantSpec, now: Int64, on connection: Connection) throws {
        var random = BenchRandom(seed: UInt64(truncatingIfNeeded: tenant.id.hashValueStable) &+ UInt64(index))
        let userID = "\(tenant.id)_usr\(index)"
        let roll = random.unit()
        let status = roll < 0.05 ? "invited" : roll < 0.07 ? "suspended" : "active"
        let activatedAt: Int64? = status == "invited" ? nil : now - random.int(3_600_000..<(730 * day))
        let created = (activatedAt ?? now - random.int(0..<(30 * day))) - random.int(0..<day)
        let letters = (0..<6).map { _ in Character(UnicodeScalar(UInt8(97 + random.int(0..<26)))) }
        let email = String(letters) + ".\(index)@example.com"
        let role = index == 0 ? "owner" : random.unit() < tenant.adminShare ? "admin" : "member"
        let required = random.unit() < 0.03
        let exemptRoll = random.unit()
        let exemptUntil: Int64? =
            exemptRoll < 0.01 ? now + random.int(day..<(30 * day)) : exemptRoll < 0.02 ? now - random.int(0..<day) : nil
        let reset: Int64? = random.unit() < 0.01 ? now - random.int(0..<(10 * day)) : nil
        try connection.run(
            """
            INSERT INTO users (id, tenant_id, email, name, role, status, auth_source, activated_at, created_at,
                updated_at, mfa_required, mfa_enrollment_days, mfa_required_at, mfa_exempt, mfa_exempt_until,
                mfa_enrollment_reset_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, userID, tenant.id, email, "User \(index)", role, status, random.unit() < 0.15 ? "sso" : "local",
            activatedAt, created, created, required, random.unit() < 0.5 ? 0 : 7,
            required ? now - random.int(0..<(30 * day)) : nil as Int64?, exemptRoll < 0.025, exemptUntil, reset)
        if status != "invited", random.unit() < 0.315 {
            try connection.run(
                """
                INSERT INTO mfa_factors (id, tenant_id, user_id, kind, state, totp_secret, created_at, activated_at)
                VALUES (?, ?, ?, 'totp', 'active', ?, ?, ?)
                """, userID + "_totp", tenant.id, userID, [UInt8](repeating: 1, count: 20), created, created)
        }
        let groupRoll = random.unit()
        let groupCount = groupRoll < 0.4 ? 0 : groupRoll < 0.75 ? 1 : groupRoll < 0.95 ? 2 : 3
        var groups = Set<Int>()
        for _ in 0..<groupCount {
            // Skewed: low-numbered groups are the big ones.
            let unit = random.unit()
            groups.insert(min(tenant.groupCount - 1, Int(unit * unit * Double(tenant.groupCount))))
        }
        let earliest = max(activatedAt ?? created, now - 400 * day)
        for group in groups.sorted() where tenant.groupCount > 0 {
            try connection.run(
                "INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?)", groupID(tenant, group),
                userID, earliest + random.int(0..<max(1, now - earliest)))
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): the same numbers on every run and platform.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func int(_ range: Range<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound))
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: unlike `hashValue`, the same in every process.
    fileprivate var hashValueStable: UInt64 {
        utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}

/// A progress bar on standard error, as `mandate`'s own: redrawn in place on a terminal, one line
/// per tenth otherwise (so logs stay readable).
struct BenchProgressBar {
    let title: String
    let width = 30
    private let isTerminal = isatty(2) != 0
    private var printedTenths = -1

    init(title: String) { self.title = title }

    mutating func update(_ done: Int, of total: Int, _ label: String) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(title) \(bar) \(done)/\(total) \(label)"
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (done == total ? "\n" : "")).utf8))
        } else if Int(fraction * 10) != printedTenths {
            printedTenths = Int(fraction * 10)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
