import DatabaseTestSupport
import Foundation
import SQLite
import Storage

@testable import MandateCore

extension EnforcementSQLPropertyTests {
    /// A fresh file migrated with the whole schema, removed afterwards.
    final class PropertyDatabase: Sendable {
        let scratch: ScratchDatabase
        let database: Database

        init() throws {
            scratch = try ScratchDatabase(label: "enforcement", template: .mandateSchema)
            database = try scratch.open(connections: 1)
            _ = try Schema.migrator(for: database.dialect).migrateBlocking(database)
        }

        deinit {
            database.close()
        }
    }

    /// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and the same sequence on every platform.
    struct SplitMix64: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A change made after the scenario is stored, through the stores, so the triggers follow it.
    enum Mutation: Sendable {
        case addMembership(userID: String, groupID: String, at: Date)
        case removeMembership(userID: String, groupID: String)
        case deleteGroup(String)
        case activate(userID: String, at: Date)
        case resetEnrollment(userID: String, at: Date)
    }

    /// One tenant with its groups, policies, users, memberships and factors.
    struct Scenario: Sendable {
        struct UserRecord: Sendable {
            var user: User
            var settings: UserMFASettings
            var enrolled: Bool
            var pendingFactor: Bool
            var memberships: [String: Date]
        }

        var tenant: Tenant
        var features: Set<Feature>
        var groups: [Group]
        var policies: [MFAPolicy]
        var records: [UserRecord]
        /// Gives every group of the tenant the same bit, as past 63 groups (users then take the
        /// general subquery).
        var sharesGroupBits: Bool
        var mutations: [Mutation]
        /// Random instants to check at, besides those next to deadlines.
        var randomInstants: [Date]
        /// Picks deadlines to check around (a fraction of 2^64).
        var boundaryPicks: [UInt64]

        func insert(on connection: Connection) throws {
            try TenantStore.insert(tenant, on: connection)
            for group in groups { try GroupStore.insert(group, on: connection) }
            for policy in policies { try EnforcementStore.save(policy, on: connection) }
            for record in records {
                try UserStore.insert(record.user, on: connection)
                try EnforcementStore.update(
                    userID: record.user.id, tenantID: tenant.id, settings: record.settings,
                    now: record.user.updatedAt, on: connection)
                for (groupID, addedAt) in record.memberships {
                    _ = try GroupStore.addMember(groupID: groupID, userID: record.user.id, at: addedAt, on: connection)
                }
                let created = record.user.createdAt
                if record.enrolled {
                    let factor = MFAFactor(
                        id: record.user.id + "-totp", tenantID: tenant.id, userID: record.user.id, kind: .totp,
                        state: .pending, totpSecret: Array(repeating: 7, count: 20), phoneNumber: nil,
                        lastUsedStep: nil, createdAt: created, activatedAt: nil, lastUsedAt: nil)
                    try MFAStore.insertPending(factor, on: connection)
                    try MFAStore.activate(factor, lastUsedStep: 1, now: created, on: connection)
                }
                if record.pendingFactor {
                    // A factor still waiting for its first code does not make the user enrolled.
                    try MFAStore.insertPending(
                        MFAFactor(
                            id: record.user.id + "-sms", tenantID: tenant.id, userID: record.user.id, kind: .sms,
                            state: .pending, totpSecret: nil, phoneNumber: "+447700900123", lastUsedStep: nil,
                            createdAt: created, activatedAt: nil, lastUsedAt: nil), on: connection)
                }
            }
        }

        func mutate(on connection: Connection) throws {
            if sharesGroupBits {
                try connection.run("UPDATE user_groups SET mfa_bit = 7 WHERE tenant_id = ?", tenant.id)
                try connection.run(
                    """
                    UPDATE users SET mfa_group_bits = COALESCE((
                        SELECT SUM(DISTINCT \(connection.dialect.bit("g.mfa_bit"))) FROM group_members m
                            JOIN user_groups g ON g.id = m.group_id
                        WHERE m.user_id = users.id), 0)
                    WHERE tenant_id = ?
                    """, tenant.id)
            }
            for mutation in mutations {
                switch mutation {
                case .addMembership(let userID, let groupID, let at):
                    // The group may have been deleted by an earlier mutation.
                    guard try GroupStore.find(id: groupID, tenantID: tenant.id, on: connection) != nil else { continue }
                    _ = try GroupStore.addMember(groupID: groupID, userID: userID, at: at, on: connection)
                case .removeMembership(let userID, let groupID):
                    _ = try GroupStore.removeMember(groupID: groupID, userID: userID, on: connection)
                case .deleteGroup(let groupID):
                    try GroupStore.delete(id: groupID, tenantID: tenant.id, on: connection)
                case .activate(let userID, let at):
                    guard var user = try UserStore.find(id: userID, tenantID: tenant.id, on: connection) else {
                        continue
                    }
                    user.status = .active
                    user.activatedAt = at
                    try UserStore.update(user, on: connection)
                case .resetEnrollment(let userID, let at):
                    var (settings, _) = try EnforcementStore.userSettings(
                        userID: userID, tenant: tenant, on: connection)
                    settings.enrollmentResetAt = at
                    try EnforcementStore.update(
                        userID: userID, tenantID: tenant.id, settings: settings, now: at, on: connection)
                }
            }
        }

        /// The random instants, plus 1 ms and 0.5 ms before, at, and 0.5 ms and 1 ms after some deadlines
        /// and exemption ends (SQL compares whole milliseconds; the decision, dates).
        func instants(inputs: [String: EnforcementInput]) -> [Date] {
            var boundaries = Set<Int64>()
            for input in inputs.values {
                // Sources hidden by an exemption still have deadlines worth probing.
                var unexempt = input
                unexempt.exempt = false
                for source in EnforcementDecision.decide(unexempt, now: Date(millisecondsSince1970: 0)).sources {
                    boundaries.insert(source.deadline.millisecondsSince1970)
                }
                if let until = input.exemptUntil { boundaries.insert(until.millisecondsSince1970) }
            }
            // Instants before 1970 mean nothing (a source with no start at all has a deadline in year 1).
            let sorted = boundaries.filter { $0 > 0 }.sorted()
            var instants = Set(randomInstants)
            if !sorted.isEmpty {
                for pick in boundaryPicks {
                    let boundary = Date(millisecondsSince1970: sorted[Int(pick % UInt64(sorted.count))])
                    for delta in [-0.001, -0.0005, 0, 0.0005, 0.001] { instants.insert(boundary + delta) }
                }
            }
            return instants.sorted()
        }
    }

    /// Makes random scenarios with many ties: times are often whole days from one anchor, so deadlines of
    /// different sources coincide (the tie rule of `lock_out`) and starts coincide with activation.
    struct ScenarioGenerator {
        static let day: Int64 = 86_400_000
        /// 2026-01-01T00:00:00Z.
        static let anchor: Int64 = 1_767_225_600_000

        var random: SplitMix64
        let seed: UInt64
        let plans: [Set<Feature>]

        init(seed: UInt64, plans: [Set<Feature>]) {
            random = SplitMix64(seed: seed)
            self.seed = seed
            self.plans = plans
        }

        mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

        mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

        /// A millisecond-aligned time within ±40 days of the anchor: whole days half the time.
        mutating func time() -> Date {
            let days = Int64(int(-40...40))
            if chance(0.5) { return Date(millisecondsSince1970: Self.anchor + days * Self.day) }
            if chance(0.3) {
                return Date(millisecondsSince1970: Self.anchor + days * Self.day + Int64(pick([-1, 1, 999, 1_000])))
            }
            let offset = Int64.random(in: 0..<Self.day, using: &random)
            return Date(millisecondsSince1970: Self.anchor + days * Self.day + offset)
        }

        mutating func optionalTime(_ probability: Double) -> Date? { chance(probability) ? time() : nil }

        /// Mostly well before the anchor, so sources start at their own start rather than at activation.
        mutating func activation() -> Date {
            chance(0.6) ? Date(millisecondsSince1970: Self.anchor - Int64(int(45...400)) * Self.day) : time()
        }

        /// 0 or 7 often, anything from 0 to 30 otherwise.
        mutating func days() -> Int { chance(0.5) ? pick([0, 0, 7, 1]) : int(0...30) }

        mutating func features() -> Set<Feature> {
            if chance(0.5) { return pick(plans) }
            return Set(Feature.allCases.filter { _ in chance(0.6) })
        }

        mutating func makeScenario(index: Int) -> Scenario {
            let prefix = "s\(seed)t\(index)"
            var settings = TenantSettings()
            settings.mfaRequired = chance(0.6)
            settings.mfaEnrollmentDays = days()
            settings.mfaEnabledAt = settings.mfaRequired ? optionalTime(0.95) : optionalTime(0.5)
            settings.mfaExpiryAction = chance(0.5) ? .lockOut : .forceSetup
            settings.mfaAppliesTo = chance(0.3) ? .localOnly : .all
            settings.mfaSignOutPolicy = pick(MFASignOutPolicy.allCases)
            // A downgrade lifted users' own requirements set until then.
            settings.mfaUserRequirementsLiftedAt = optionalTime(0.3)
            // When the organization's period ends: a source starting then, due at once, ties with it.
            let orgDeadline = settings.mfaEnabledAt.map {
                $0.addingTimeInterval(Double(settings.mfaEnrollmentDays) * 86_400)
            }
            let created = Date(millisecondsSince1970: Self.anchor - 500 * Self.day)
            let tenant = Tenant(
                id: prefix, slug: prefix, name: "Tenant \(prefix)",
                planID: pick(["free", "team", "business", "enterprise"]),
                subscriptionStatus: pick(SubscriptionStatus.allCases), trialEndsAt: nil, timeZone: "UTC",
                settings: settings, createdAt: created, updatedAt: created)

            let groups = (0..<int(0...4)).map { number in
                Group(
                    id: "\(prefix)g\(number)", tenantID: prefix, name: "group \(number)", description: "",
                    createdAt: created, updatedAt: created)
            }
            let groupIDs = groups.map(\.id)
            var policies: [MFAPolicy] = []
            for number in 0..<int(0...3) {
                var included: [String] = []
                var excluded: [String] = []
                for id in groupIDs {
                    if chance(0.4) {
                        included.append(id)
                    } else if chance(0.25) {
                        excluded.append(id)
                    }
                }
                let tie = orgDeadline != nil && chance(0.3)
                policies.append(
                    MFAPolicy(
                        id: "\(prefix)p\(number)", tenantID: prefix, name: "policy \(number)", enabled: chance(0.75),
                        includesAllUsers: chance(0.3), includedGroupIDs: included, excludedGroupIDs: excluded,
                        enrollmentDays: tie ? 0 : days(), enabledAt: tie ? orgDeadline! : time(), createdAt: created,
                        updatedAt: created))
            }

            var records: [Scenario.UserRecord] = []
            for number in 0..<int(0...20) {
                let status = pick([UserStatus.active, .active, .active, .invited, .suspended])
                let activatedAt =
                    status == .invited ? (chance(0.1) ? activation() : nil) : (chance(0.9) ? activation() : nil)
                let user = User(
                    id: "\(prefix)u\(number)", tenantID: prefix,
                    // Random names, so email order differs from insertion order.
                    email: "\(UInt32.random(in: 0...UInt32.max, using: &random))-\(number)@example.com",
                    name: "User \(number)", role: pick(Role.allCases), status: status,
                    authSource: chance(0.3) ? .sso : .local, activatedAt: activatedAt, createdAt: created,
                    updatedAt: created)
                var mfa = UserMFASettings()
                mfa.required = chance(0.35)
                mfa.enrollmentDays = days()
                mfa.requiredAt = mfa.required ? optionalTime(0.95) : optionalTime(0.3)
                if mfa.required, let orgDeadline, chance(0.5) {
                    mfa.enrollmentDays = 0
                    mfa.requiredAt = orgDeadline
                }
                // Required exactly when the lift happened: lifted too.
                if mfa.required, let lifted = settings.mfaUserRequirementsLiftedAt, chance(0.3) {
                    mfa.requiredAt = lifted
                }
                mfa.exempt = chance(0.2)
                mfa.exemptUntil = chance(0.6) ? time() : nil
                mfa.enrollmentResetAt = optionalTime(0.2)
                var memberships: [String: Date] = [:]
                for id in groupIDs where chance(0.45) { memberships[id] = chance(0.5) ? activation() : time() }
                records.append(
                    Scenario.UserRecord(
                        user: user, settings: mfa, enrolled: chance(0.3), pendingFactor: chance(0.15),
                        memberships: memberships))
            }
            let mutations = chance(0.4) ? (0..<int(1...4)).compactMap { _ in makeMutation(records, groupIDs) } : []
            return Scenario(
                tenant: tenant, features: features(), groups: groups, policies: policies, records: records,
                sharesGroupBits: groups.count > 1 && chance(0.3), mutations: mutations,
                randomInstants: (0..<3).map { _ in time() }, boundaryPicks: (0..<6).map { _ in random.next() })
        }

        mutating func makeMutation(_ records: [Scenario.UserRecord], _ groupIDs: [String]) -> Mutation? {
            guard !records.isEmpty else { return nil }
            let userID = pick(records).user.id
            switch int(0...4) {
            case 0: return groupIDs.isEmpty ? nil : .addMembership(userID: userID, groupID: pick(groupIDs), at: time())
            case 1: return groupIDs.isEmpty ? nil : .removeMembership(userID: userID, groupID: pick(groupIDs))
            case 2: return groupIDs.isEmpty ? nil : .deleteGroup(pick(groupIDs))
            case 3: return .activate(userID: userID, at: time())
            default: return .resetEnrollment(userID: userID, at: time())
            }
        }
    }
}
