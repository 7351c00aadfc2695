public import Foundation
import SQLite

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

/// The one query behind ``EnrollmentProgress``: each user's first activation and each user's
/// creation, bucketed by day with a `CASE` over the day boundaries (computed in Swift, so
/// daylight-saving days are as long as they really are) and counted in one `GROUP BY`.
enum EnrollmentProgressQuery {
    /// Bucket -1 is "before the first day"; rows at or after the end of today get no bucket.
    private static func bucket(_ column: String, days: Int) -> String {
        var cases = "CASE WHEN \(column) < :d0 THEN -1"
        for index in 0..<days { cases += " WHEN \(column) < :d\(index + 1) THEN \(index)" }
        return cases + " END"
    }

    private static func sql(days: Int) -> String {
        """
        SELECT kind, bucket, COUNT(*) FROM (
            SELECT 0 AS kind, \(bucket("first_active", days: days)) AS bucket FROM (
                SELECT MIN(COALESCE(f.activated_at, f.created_at)) AS first_active
                FROM mfa_factors f WHERE f.tenant_id = :tenant AND f.state = 'active' GROUP BY f.user_id
            )
            UNION ALL
            SELECT 1, \(bucket("u.created_at", days: days)) FROM users u WHERE u.tenant_id = :tenant
        )
        WHERE bucket IS NOT NULL
        GROUP BY kind, bucket
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
        for row in try connection.query(sql(days: days), named: parameters) {
            let kind: Int = try row.decode(0)
            let bucket: Int = try row.decode(1)
            let count: Int = try row.decode(2)
            guard (-1..<days).contains(bucket) else { continue }
            if kind == 0 { enrolled[bucket + 1] += count } else { users[bucket + 1] += count }
        }
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
