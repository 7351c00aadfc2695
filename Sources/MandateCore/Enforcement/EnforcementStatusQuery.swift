import Foundation
import SQLite
import Storage

/// The enforcement rule of ``EnforcementSQL`` specialized for one tenant at one instant, for lists
/// and counts of large tenants: each user costs one entry of the `users_mfa_listing` index and a
/// few integer operations, instead of a subquery per group policy.
///
/// - Sources the plan or the settings leave out are left out of the SQL text; what remains are
///   parameters, so one tenant's statements stay cached however its dates and periods change.
/// - Group policies become bit masks over `users.mfa_group_bits` (migration `0301`): a policy covers
///   a user whose bits meet its included groups' and miss its excluded groups'. Its clock starts at
///   `MAX(policy start, users.mfa_floor, joined)`, where `joined`, the user's earliest membership of
///   an included group, is `users.mfa_last_joined_at` for a user in one group, is irrelevant when
///   that last membership is older than the start, and is read from `group_members` otherwise.
/// - Users holding a bit that two groups of the tenant share (past 63 groups) take the general
///   subquery (``EnforcementSQL/policiesKey``).
///
/// The status comes out as a code (`mfa_status_code`, ``code(of:)``): integers group faster than
/// text. The property tests check the result against ``EnforcementDecision/decide(_:now:)``.
struct EnforcementStatusQuery {
    /// A `SELECT` with one row per user of the tenant: the user's columns (`UserStore.columns`),
    /// `mfa_enrolled`, `exempt_now`, `org_key`, `user_key`, `group_key` (NULL when that source does
    /// not apply), `mfa_key` (NULL without a requirement or while exempt) and `mfa_status_code`.
    let table: String
    let parameters: [String: any SQLBindable]

    /// `u.id, u.tenant_id, …`, made once.
    private static let userColumns = SQLColumns.qualified("u", UserStore.columns)

    /// The code of `status` in `mfa_status_code`.
    static func code(of status: MFAStatus) -> Int { MFAStatus.allCases.firstIndex(of: status)! }

    /// The status of a code.
    static func status(ofCode code: Int) -> MFAStatus? {
        MFAStatus.allCases.indices.contains(code) ? MFAStatus.allCases[code] : nil
    }

    /// Reads the tenant's enabled group policies and group bits (when the plan includes group
    /// policies) and builds the query, in the caller's transaction.
    static func make(tenant: Tenant, features: Set<Feature>, now: Date, on connection: Connection) throws -> Self {
        var policies: [MFAPolicy] = []
        var groupBits: [String: Int] = [:]
        if features.contains(.enforceGroups) {
            policies = try EnforcementStore.policies(tenantID: tenant.id, on: connection).filter {
                $0.enabled && ($0.includesAllUsers || !$0.includedGroupIDs.isEmpty)
            }
            if !policies.isEmpty {
                for row in try connection.query("SELECT id, mfa_bit FROM user_groups WHERE tenant_id = ?", tenant.id) {
                    groupBits[try row.decode(0)] = try row.decode(1)
                }
            }
        }
        var builder = Builder(tenant: tenant, features: features, now: now, dialect: connection.dialect)
        builder.addPolicies(policies, groupBits: groupBits)
        return builder.make()
    }

    /// Assembles the SQL text and its parameters.
    private struct Builder {
        let noKey = "\(EnforcementSQL.noKey)"
        let dialect: SQLDialect
        let settings: TenantSettings
        let grace: Bool
        let orgOn: Bool
        let userOn: Bool
        var parameters: [String: any SQLBindable]
        /// The key expression of each group policy.
        var policyKeys: [String] = []
        /// Bits of relevant groups that other groups share (those users take the general subquery).
        var ambiguousBits: Int64 = 0

        init(tenant: Tenant, features: Set<Feature>, now: Date, dialect: SQLDialect) {
            self.dialect = dialect
            settings = tenant.settings
            grace = features.contains(.enrollmentPeriod)
            orgOn = features.contains(.enforceOrg) && settings.mfaRequired
            userOn = features.contains(.enforceUser)
            parameters = EnforcementSQL.instantParameters(now)
            parameters[":tenant"] = tenant.id
            if userOn, settings.mfaUserRequirementsLiftedAt != nil {
                parameters[":user_lifted"] = EnforcementSQL.liftedMilliseconds(settings)
            }
            if orgOn {
                let orgGrace = EnforcementSQL.orgGraceMilliseconds(settings, grace: grace)
                parameters[":org_start"] = settings.mfaEnabledAt ?? Date.distantPast
                parameters[":org_offset"] = orgGrace * 2 + (orgGrace > 0 ? 1 : 0)
            }
        }

        mutating func addPolicies(_ policies: [MFAPolicy], groupBits: [String: Int]) {
            var groupsPerBit: [Int: Int] = [:]
            for bit in groupBits.values { groupsPerBit[bit, default: 0] += 1 }
            func mask(_ groupIDs: [String]) -> Int64 {
                // A group without a bit (another tenant's, or gone) can cover no user of this tenant.
                groupIDs.reduce(0) { mask, id in groupBits[id].map { mask | (1 << Int64($0)) } ?? mask }
            }
            for (index, policy) in policies.enumerated() {
                let name = ":p\(index)"
                let included = mask(policy.includedGroupIDs)
                let excluded = mask(policy.excludedGroupIDs)
                for bit in 0..<63
                where (included | excluded) & (1 << Int64(bit)) != 0 && groupsPerBit[bit, default: 0] > 1 {
                    ambiguousBits |= 1 << Int64(bit)
                }
                let days = grace ? Int64(max(0, min(policy.enrollmentDays, 365))) : 0
                // The wrapper refuses parameters the SQL does not name: bind only what `policyKey` uses.
                parameters[name + "_start"] = policy.enabledAt
                parameters[name + "_offset"] = days * 172_800_000 + (days > 0 ? 1 : 0)
                if !policy.includesAllUsers {
                    parameters[name] = policy.id
                    parameters[name + "_inc"] = included
                }
                if !policy.excludedGroupIDs.isEmpty { parameters[name + "_exc"] = excluded }
                policyKeys.append(
                    Self.policyKey(
                        name, includesAllUsers: policy.includesAllUsers,
                        hasExclusions: !policy.excludedGroupIDs.isEmpty,
                        noKey: noKey, dialect: dialect))
            }
            if ambiguousBits != 0 {
                parameters[":ambiguous"] = ambiguousBits
                parameters[":grace"] = grace
            }
        }

        /// One policy's key, `noKey` when it does not cover the user.
        static func policyKey(
            _ name: String, includesAllUsers: Bool, hasExclusions: Bool, noKey: String, dialect: SQLDialect
        ) -> String {
            let bits = "u.mfa_group_bits"
            let start: String
            if includesAllUsers {
                start = dialect.greatest(["\(name)_start", "u.mfa_floor"])
            } else {
                // `b & (b - 1)` is 0 for one group: then the last membership is the one that counts.
                let joined = """
                    COALESCE((
                            SELECT MIN(m.added_at) FROM group_members m \(dialect.indexedBy("group_members_by_user_group"))
                            WHERE m.user_id = u.id AND \(dialect.unindexed("m.group_id")) IN (
                                SELECT g.group_id FROM mfa_policy_groups g WHERE g.policy_id = \(name) AND g.kind = 'include')
                            ), u.mfa_last_joined_at)
                    """
                start = """
                    CASE WHEN (\(bits) & (\(bits) - 1)) <> 0 AND u.mfa_last_joined_at > \(name)_start
                            AND u.mfa_last_joined_at > u.mfa_floor
                        THEN \(dialect.greatest(["\(name)_start", "u.mfa_floor", joined]))
                        ELSE \(dialect.greatest(["\(name)_start", "u.mfa_floor", "u.mfa_last_joined_at"])) END
                    """
            }
            var conditions: [String] = []
            if hasExclusions { conditions.append("(\(bits) & \(name)_exc) = 0") }
            if !includesAllUsers { conditions.append("(\(bits) & \(name)_inc) <> 0") }
            let key = "(\(start)) * 2 + \(name)_offset"
            guard !conditions.isEmpty else { return key }
            return "CASE WHEN \(conditions.joined(separator: " AND ")) THEN \(key) ELSE \(noKey) END"
        }

        /// `MIN` of several expressions; one alone must not become the aggregate `MIN(x)`.
        func smallest(_ terms: [String]) -> String {
            switch terms.count {
            case 0: noKey
            case 1: terms[0]
            default: dialect.least(terms)
            }
        }

        func make() -> EnforcementStatusQuery {
            let orgKey: String? =
                orgOn
                ? (settings.mfaAppliesTo == .all
                    ? "\(dialect.greatest([":org_start", "u.mfa_floor"])) * 2 + :org_offset"
                    : "CASE WHEN u.auth_source = 'local' THEN \(dialect.greatest([":org_start", "u.mfa_floor"])) * 2 + :org_offset ELSE \(noKey) END")
                : nil
            // Requirements lifted by a downgrade are left out (the condition only when some were).
            let notLifted =
                settings.mfaUserRequirementsLiftedAt == nil
                ? "" : " AND COALESCE(u.mfa_required_at, \(EnforcementSQL.noTime)) > :user_lifted"
            let userKey: String? =
                userOn
                ? """
                CASE WHEN \(dialect.isTrue("u.mfa_required"))\(notLifted) THEN \(dialect.greatest(["COALESCE(u.mfa_required_at, \(EnforcementSQL.noTime))", "u.mfa_floor"])) * 2\
                \(grace ? " + u.mfa_enrollment_days * 172800000 + \(dialect.integer("u.mfa_enrollment_days > 0"))" : "") ELSE \(noKey) END
                """
                : nil
            var groupKey: String? = policyKeys.isEmpty ? nil : smallest(policyKeys)
            if let fast = groupKey, ambiguousBits != 0 {
                groupKey = """
                    CASE WHEN (u.mfa_group_bits & :ambiguous) <> 0
                        THEN COALESCE(\(EnforcementSQL.policiesKey[dialect]), \(noKey)) ELSE \(fast) END
                    """
            }
            let keys = [orgKey, userKey, groupKey].compactMap { $0 }
            let key = smallest(keys)
            func present(_ key: String?) -> String { key.map { "NULLIF(\($0), \(noKey))" } ?? "NULL" }
            let status = EnforcementSQL.status(
                key: key, lockOut: settings.mfaExpiryAction == .lockOut ? "1" : nil, dialect: dialect
            ) {
                "\(EnforcementStatusQuery.code(of: $0))"
            }
            let table = """
                SELECT \(EnforcementStatusQuery.userColumns), u.mfa_enrolled,
                    \(EnforcementSQL.exemptNow(dialect)) AS exempt_now,
                    \(present(orgKey)) AS org_key, \(present(userKey)) AS user_key, \(present(groupKey)) AS group_key,
                    CASE WHEN \(EnforcementSQL.exemptNow(dialect)) THEN NULL ELSE \(present(key)) END AS mfa_key,
                    \(status) AS mfa_status_code
                FROM users u \(dialect.indexedBy("users_mfa_listing"))
                WHERE u.tenant_id = :tenant
                """
            return EnforcementStatusQuery(table: table, parameters: parameters)
        }
    }
}
