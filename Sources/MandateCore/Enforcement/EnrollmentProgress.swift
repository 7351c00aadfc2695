public import Foundation
import SQLite
import Storage

/// How many of a tenant's users had MFA set up at the end of each of the last days, in the tenant's
/// time zone: the overview's "enrollment progress over time".
///
/// It is derived from the factors that exist now: a user counts as enrolled from the activation of
/// their earliest active factor. History is therefore approximate: a factor removed later is not
/// represented (a user who set up MFA in March and removed it in April is never counted, and one
/// who re-enrolled yesterday counts from yesterday), and neither are users deleted since. The user
/// totals come from the creation times of the users that exist now.
public struct EnrollmentProgress: Sendable, Equatable {
    /// One local calendar day.
    public struct Day: Sendable, Equatable {
        /// The first instant of the day in the tenant's time zone.
        public let start: Date
        /// Users with MFA set up at the end of the day (or now, for today).
        public let enrolled: Int
        /// Users that existed at the end of the day (or now, for today).
        public let users: Int

        public init(start: Date, enrolled: Int, users: Int) {
            self.start = start
            self.enrolled = enrolled
            self.users = users
        }
    }

    /// The number of days the overview shows.
    public static let defaultDays = 30

    /// Oldest first; the last one is today.
    public let days: [Day]

    public init(days: [Day]) {
        self.days = days
    }
}

/// The one query behind ``EnrollmentProgress``.
///
/// Each user's first activation is computed once (a materialized CTE over `mfa_factors_by_tenant`);
/// the rows of the window are bucketed by day with a `CASE` over the day boundaries (computed in
/// Swift, so daylight-saving days are as long as they really are) and counted with a `GROUP BY`,
/// while everything before the window is counted without sorting: sorting every user of a large
/// tenant would cost more than the rest together. Users are counted the same way, the total from
/// the `users_by_tenant_status` index alone.
enum EnrollmentProgressQuery {
    /// Rows before the first day.
    static let beforeBucket = -1
    /// All users of the tenant (users only).
    static let totalBucket = -2

    /// The day of `column` (0 is the first day); NULL at or after the end of today.
    private static func bucket(_ column: String, days: Int) -> String {
        "CASE" + (0..<days).map { " WHEN \(column) < :d\($0 + 1) THEN \($0)" }.joined() + " END"
    }

    private static func sql(days: Int, dialect: SQLDialect) -> String {
        """
        WITH firsts AS MATERIALIZED (
            SELECT MIN(COALESCE(f.activated_at, f.created_at)) AS t
            FROM mfa_factors f WHERE f.tenant_id = :tenant AND f.state = 'active' GROUP BY f.user_id
        )
        SELECT 0, \(beforeBucket), COUNT(*) FROM firsts WHERE t < :d0
        UNION ALL
        SELECT 0, bucket, COUNT(*) FROM (SELECT \(bucket("t", days: days)) AS bucket FROM firsts WHERE t >= :d0)\(dialect.subqueryAlias("b"))
        WHERE bucket IS NOT NULL GROUP BY bucket
        UNION ALL
        SELECT 1, \(totalBucket), COUNT(*) FROM users WHERE tenant_id = :tenant
        UNION ALL
        SELECT 1, bucket, COUNT(*) FROM (
            SELECT \(bucket("created_at", days: days)) AS bucket FROM users
            WHERE tenant_id = :tenant AND created_at >= :d0
        )\(dialect.subqueryAlias("b"))
        WHERE bucket IS NOT NULL GROUP BY bucket
        """
    }

    /// The first instants of the last `days` local days up to the one holding `now`, and the end of
    /// that day: `days + 1` boundaries.
    static func boundaries(days: Int, now: Date, timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        return (0...days).map { offset in
            let shifted = calendar.date(byAdding: .day, value: offset - days + 1, to: today) ?? today
            // `startOfDay` again: where midnight does not exist, a day starts later than 00:00.
            return calendar.startOfDay(for: shifted)
        }
    }

    static func progress(tenant: Tenant, days: Int, now: Date, on connection: Connection) throws
        -> EnrollmentProgress
    {
        let bounds = boundaries(days: days, now: now, timeZone: LocalMidnight.timeZone(identifier: tenant.timeZone))
        var parameters: [String: any SQLBindable] = [":tenant": tenant.id]
        for (index, bound) in bounds.enumerated() { parameters[":d\(index)"] = bound.millisecondsSince1970 }
        // Index 0 holds what happened before the first day; index i + 1 the day i.
        var enrolled = [Int](repeating: 0, count: days + 1)
        var users = [Int](repeating: 0, count: days + 1)
        var totalUsers = 0
        for row in try connection.query(sql(days: days, dialect: connection.dialect), named: parameters) {
            let kind: Int = try row.decode(0)
            let bucket: Int = try row.decode(1)
            let count: Int = try row.decode(2)
            if kind == 1, bucket == totalBucket {
                totalUsers = count
            } else if (beforeBucket..<days).contains(bucket) {
                if kind == 0 { enrolled[bucket + 1] += count } else { users[bucket + 1] += count }
            }
        }
        // Users before the window: all of them less those created in it (a user created after the
        // end of today, which only a clock set back could produce, counts as earlier).
        users[0] = max(0, totalUsers - users.dropFirst().reduce(0, +))
        var runningEnrolled = enrolled[0]
        var runningUsers = users[0]
        var result: [EnrollmentProgress.Day] = []
        for index in 0..<days {
            runningEnrolled += enrolled[index + 1]
            runningUsers += users[index + 1]
            result.append(EnrollmentProgress.Day(start: bounds[index], enrolled: runningEnrolled, users: runningUsers))
        }
        return EnrollmentProgress(days: result)
    }
}
