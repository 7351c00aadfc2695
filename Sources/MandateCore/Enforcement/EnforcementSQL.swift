import Foundation
import SQLite
import Storage

/// The enforcement rule of ``EnforcementDecision/decide(_:now:)`` written in SQL, so users can be
/// listed, filtered and counted by status in the database, with nothing materialized per user:
/// switching a requirement on or off changes one row, whatever the tenant's size.
///
/// Each applicable source of a user yields a *key* `deadline × 2 + graced` (milliseconds; `graced`
/// is 1 when the source gave a grace period). The smallest key is the earliest deadline and, on a
/// tie, prefers a source that was due at once — the same tie rule as the Swift decision (only a
/// grace period that ran out leads to `expired` under `lock_out`). The deadline is `key >> 1`, right
/// for negative keys too (a deadline before 1970), unlike `key / 2`.
///
/// A missing time (no activation, no reset, a requirement without its start) counts as
/// `Date.distantPast`, as in the Swift decision, so even such rows get the same deadline. Every
/// source starts at the earliest at `users.mfa_floor` (activation or last reset, kept by triggers).
///
/// This is the general form, one statement for every tenant; ``EnforcementStatusQuery`` is the same
/// rule specialized for one tenant's settings and policies: five times faster on 100,000 users.
/// The tenant's entitlement and organization settings are bound as parameters (see
/// ``parameters(tenant:features:now:)``); the SQL text never varies with them, so statements stay
/// cached.
///
/// SQLite (3.40) flattens subqueries by substituting expressions, so a column referenced three
/// times is computed three times: the status therefore reads the smallest key once, as the operand
/// of a simple `CASE` (see ``status(key:lockOut:value:)``), and only for users neither enrolled nor
/// exempt (whose status needs no key).
enum EnforcementSQL {
    /// Larger than any key.
    static let noKey: Int64 = 9_223_372_036_854_775_807

    /// A missing time: `Date.distantPast` in milliseconds, as the Swift decision takes it.
    static let noTime = Date.distantPast.millisecondsSince1970

    /// The key of the organization-wide requirement.
    static func orgKey(_ dialect: SQLDialect) -> String {
        """
        CASE WHEN \(dialect.isTrue(":org_on")) AND (\(dialect.isTrue(":org_all")) OR u.auth_source = 'local')
            THEN (\(dialect.greatest([":org_start", "u.mfa_floor"])) + :org_grace) * 2 + \(dialect.integer(":org_grace > 0")) END
        """
    }

    /// The key of the user's own requirement.
    static func userKey(_ dialect: SQLDialect) -> String {
        let requiredAt = "COALESCE(u.mfa_required_at, \(noTime))"
        return """
            CASE WHEN \(dialect.isTrue(":user_on")) AND \(dialect.isTrue("u.mfa_required")) AND \(requiredAt) > :user_lifted
                THEN (\(dialect.greatest([requiredAt, "u.mfa_floor"])) + :grace * u.mfa_enrollment_days * 86400000) * 2
                    + \(dialect.integer("\(dialect.isTrue(":grace")) AND u.mfa_enrollment_days > 0")) END
            """
    }

    /// The smallest key of the tenant's enabled group policies that cover user `u` (NULL if none):
    /// every user or a member of an included group (from the earliest such membership), and no
    /// member of an excluded one. One pass over the user's memberships per policy; the inner
    /// `LIMIT -1` (``SQLDialect/optimizationFence``) keeps `joined` from being computed twice.
    static let policiesKey = DialectText { dialect in
        """
        (SELECT MIN((\(dialect.greatest(["c.enabled_at", "u.mfa_floor", "c.joined"])) + :grace * c.enrollment_days * 86400000) * 2
                + \(dialect.integer("\(dialect.isTrue(":grace")) AND c.enrollment_days > 0")))
            FROM (
                SELECT p.enabled_at, p.enrollment_days, (
                    SELECT CASE WHEN \(dialect.anyRow("g.kind = 'exclude'")) THEN NULL WHEN \(dialect.isTrue("p.include_all")) THEN \(noTime)
                        ELSE MIN(CASE WHEN g.kind = 'include' THEN m.added_at END) END
                    FROM group_members m JOIN mfa_policy_groups g ON g.policy_id = p.id AND g.group_id = m.group_id
                    WHERE m.user_id = u.id) AS joined
                FROM mfa_policies p
                WHERE p.tenant_id = u.tenant_id AND \(dialect.isTrue("p.enabled"))
                \(dialect.optimizationFence)
            ) c
            WHERE c.joined IS NOT NULL)
        """
    }

    /// The group policies' key, when the plan includes them.
    static func groupKey(_ dialect: SQLDialect) -> String {
        "CASE WHEN \(dialect.isTrue(":groups_on")) THEN \(policiesKey[dialect]) END"
    }

    /// Whether the user's exemption is in force.
    static func exemptNow(_ dialect: SQLDialect) -> String {
        "(\(dialect.isTrue("u.mfa_exempt")) AND (u.mfa_exempt_until IS NULL OR u.mfa_exempt_until > :now))"
    }

    /// Whether the user has not started: invited, or never activated.
    static let beforeActivation = "(u.status = 'invited' OR u.activated_at IS NULL)"

    private static func smallestKey(_ dialect: SQLDialect) -> String {
        dialect.least([
            "COALESCE(\(orgKey(dialect)), \(noKey))", "COALESCE(\(userKey(dialect)), \(noKey))",
            "COALESCE(\(groupKey(dialect)), \(noKey))",
        ])
    }

    /// The status of user `u` whose smallest key is `key` (`noKey` without a requirement), each
    /// status written as `value(status)`; `lockOut` is the SQL condition of `lock_out`, nil when
    /// it is known not to hold.
    ///
    /// `key - :due`, with `:due = 2 × now + 1` (odd), is at least 1 exactly when the deadline is
    /// after now; otherwise its parity is the opposite of the key's, so `MIN(key - :due, 1) % 2`
    /// is 1 in an enrollment period, 0 past a grace period, -1 past a deadline that was due at once,
    /// and NULL without a requirement (`NULLIF`). A simple `CASE` evaluates that operand once: one
    /// computation of the key per user and no subquery (which cost as much as the key itself).
    static func status(key: String, lockOut: String?, dialect: SQLDialect, value: (MFAStatus) -> String) -> String {
        let expired = lockOut.map { "WHEN \(dialect.isTrue($0)) AND u.role <> 'owner' THEN \(value(.expired))" } ?? ""
        let preEnrollment = "WHEN \(beforeActivation) THEN \(value(.preEnrollment))"
        return """
            CASE
                WHEN \(dialect.isTrue("u.mfa_enrolled")) THEN \(value(.enrolled))
                WHEN \(exemptNow(dialect)) THEN \(value(.exempt))
                ELSE CASE \(dialect.leastOrNull(["NULLIF(\(key), \(noKey)) - :due", "1"])) % 2
                    WHEN 1 THEN CASE \(preEnrollment) ELSE \(value(.enrollmentPeriod)) END
                    WHEN 0 THEN CASE \(preEnrollment) \(expired) ELSE \(value(.setupRequired)) END
                    WHEN -1 THEN CASE \(preEnrollment) ELSE \(value(.setupRequired)) END
                    ELSE \(value(.notEnrolled))
                END
            END
            """
    }

    /// One row per user of `:tenant` with the user's columns (`UserStore.columns`, in order), then
    /// `mfa_enrolled`, `exempt_now`, `org_key`, `user_key`, `group_key` (each NULL when that source
    /// does not apply), `mfa_key` (the smallest, NULL without a requirement or while exempt) and
    /// `mfa_status`. Use it as a subquery: `SELECT … FROM (\(statusTable[dialect])) s`.
    static let statusTable = DialectText { dialect in
        """
        SELECT \(SQLColumns.qualified("u", UserStore.columns)), u.mfa_enrolled, \(exemptNow(dialect)) AS exempt_now,
            \(orgKey(dialect)) AS org_key, \(userKey(dialect)) AS user_key, \(groupKey(dialect)) AS group_key,
            CASE WHEN \(exemptNow(dialect)) THEN NULL ELSE NULLIF(\(smallestKey(dialect)), \(noKey)) END AS mfa_key,
            \(status(key: smallestKey(dialect), lockOut: ":lock_out", dialect: dialect) { "'\($0.rawValue)'" }) AS mfa_status
        FROM users u
        WHERE u.tenant_id = :tenant
        """
    }

    /// `:now` and `:due` for `now`: the last whole millisecond not after `now`, so that comparing it
    /// with stored milliseconds (`deadline > now`, `until > now`) decides exactly as comparing dates.
    static func instantParameters(_ now: Date) -> [String: any SQLBindable] {
        var milliseconds = now.millisecondsSince1970
        // `timeIntervalSince1970 * 1000` may round up to the next millisecond, or down below this one.
        while Date(millisecondsSince1970: milliseconds) > now { milliseconds -= 1 }
        while Date(millisecondsSince1970: milliseconds + 1) <= now { milliseconds += 1 }
        return [":now": milliseconds, ":due": milliseconds * 2 + 1]
    }

    /// The bound values of the rule for one tenant at `now`.
    static func parameters(tenant: Tenant, features: Set<Feature>, now: Date) -> [String: any SQLBindable] {
        let grace = features.contains(.enrollmentPeriod)
        let settings = tenant.settings
        return instantParameters(now).merging([
            ":tenant": tenant.id,
            ":org_on": features.contains(.enforceOrg) && settings.mfaRequired,
            ":org_all": settings.mfaAppliesTo == .all,
            ":org_start": settings.mfaEnabledAt ?? Date.distantPast,
            ":org_grace": orgGraceMilliseconds(settings, grace: grace),
            ":user_on": features.contains(.enforceUser), ":grace": grace,
            ":user_lifted": liftedMilliseconds(settings),
            ":groups_on": features.contains(.enforceGroups), ":lock_out": settings.mfaExpiryAction == .lockOut,
        ]) { first, _ in first }
    }

    /// `mfaUserRequirementsLiftedAt` in milliseconds; below every requirement's start when none
    /// were lifted (`COALESCE(mfa_required_at, noTime) > it` always holds then).
    static func liftedMilliseconds(_ settings: TenantSettings) -> Int64 {
        settings.mfaUserRequirementsLiftedAt?.millisecondsSince1970 ?? Int64.min
    }

    /// The organization's grace period in milliseconds (0 without `mfa.enrollment_period`).
    static func orgGraceMilliseconds(_ settings: TenantSettings, grace: Bool) -> Int64 {
        grace ? Int64(max(0, min(settings.mfaEnrollmentDays, 365))) * 86_400_000 : 0
    }

    /// The deadline in a key.
    static func deadline(ofKey key: Int64) -> Date { Date(millisecondsSince1970: key >> 1) }
}

/// SQL text made once for each dialect (statements are cached by their text, so it must not vary).
struct DialectText: Sendable {
    let sqlite: String
    let postgres: String

    init(_ make: (SQLDialect) -> String) {
        sqlite = make(.sqlite)
        postgres = make(.postgres)
    }

    subscript(dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }
}
