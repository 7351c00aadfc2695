public import Foundation
import SQLite
import Storage

/// A user's MFA status as lists show it, computed by ``EnforcementSQL``.
public struct UserMFASummary: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        case org
        case user
        case group
    }

    public var status: MFAStatus
    /// The earliest deadline of the requirements that apply (nil before activation or without one).
    public var deadline: Date?
    /// Which kinds of requirement apply (empty while exempt).
    public var sources: [Source]
    /// The kinds of the user's active factors, in `FactorKind.allCases` order (empty when not enrolled).
    public var factors: [FactorKind]

    public init(status: MFAStatus, deadline: Date?, sources: [Source], factors: [FactorKind] = []) {
        self.status = status
        self.deadline = deadline
        self.sources = sources
        self.factors = factors
    }
}

/// Filters of the users list (`GET /api/v1/users`).
public struct UserFilter: Sendable, Equatable {
    /// Case-insensitive part of the email or name.
    public var search: String?
    public var status: UserStatus?
    public var role: Role?
    public var mfaStatus: MFAStatus?
    /// true: a requirement applies now (not exempt); false: none applies.
    public var required: Bool?
    /// Members of this group only.
    public var groupID: String?

    public init(
        search: String? = nil, status: UserStatus? = nil, role: Role? = nil, mfaStatus: MFAStatus? = nil,
        required: Bool? = nil, groupID: String? = nil
    ) {
        self.search = search
        self.status = status
        self.role = role
        self.mfaStatus = mfaStatus
        self.required = required
        self.groupID = groupID
    }
}

/// Lists and counts of users by MFA status, straight from SQL (``EnforcementStatusQuery``).
enum UserMFAListing {
    /// `s.id, s.tenant_id, …`, made once.
    private static let userColumns = SQLColumns.qualified("s", UserStore.columns)

    /// One filtered count per status, in `MFAStatus.allCases` order: cheaper than sorting 100,000
    /// codes for a `GROUP BY`.
    private static let countColumns = MFAStatus.allCases.map {
        "COUNT(*) FILTER (WHERE c.code = \(EnforcementStatusQuery.code(of: $0)))"
    }.joined(separator: ", ")

    /// The kinds of a listed user's active factors, comma-separated: read only for enrolled users of
    /// the page (the order comes from `users_mfa_listing`, so no sorter computes it for other rows),
    /// through the `(user_id, kind, state)` unique index of `mfa_factors`.
    private static let factorKinds = DialectText { dialect in
        """
        CASE WHEN \(dialect.isTrue("s.mfa_enrolled")) THEN (
            SELECT \(dialect.groupConcat("f.kind")) FROM mfa_factors f WHERE f.user_id = s.id AND f.state = 'active') END
        """
    }

    /// A search on `users_search` (`n`): part of the email or of the name, both lowercased in
    /// `search_text` (migration 0303; the separator, U+001F, is removed from the search term).
    private static let searchTerm = "n.search_text LIKE :search ESCAPE '\\'"

    /// A page of users ordered by email, after the `after` email (keyset pagination).
    static func list(
        tenant: Tenant, features: Set<Feature>, now: Date, filter: UserFilter, after: String?, limit: Int,
        on connection: Connection
    ) throws -> [(User, UserMFASummary)] {
        let query = try EnforcementStatusQuery.make(tenant: tenant, features: features, now: now, on: connection)
        let dialect = connection.dialect
        var parameters = query.parameters
        // A search walks the narrow `users_search` index in email order and reads each match's
        // status by its email (`CROSS JOIN` keeps that order of the loops): a common term fills the
        // page after a few entries, a rare one costs one scan of that index. The unary `+` keeps
        // SQLite from copying `n.email > :after` onto `s.email`, which would turn each lookup into
        // a range scan.
        let searches = filter.search.map { !$0.isEmpty } ?? false
        var conditions = conditions(filter, dialect: dialect, parameters: &parameters, searchByJoin: searches)
        let order = searches ? "n.email" : "s.email"
        if searches {
            conditions.insert(
                contentsOf: ["n.tenant_id = :tenant", searchTerm, "s.email = \(dialect.unindexed("n.email"))"], at: 0)
        }
        if let after {
            conditions.insert("\(order) > :after", at: 0)
            parameters[":after"] = after
        }
        parameters[":limit"] = limit
        let from =
            searches
            ? "users n \(dialect.indexedBy("users_search")) CROSS JOIN (\(query.table)) s" : "(\(query.table)) s"
        let sql = """
            SELECT \(userColumns), s.mfa_status_code, s.mfa_key,
                s.org_key IS NOT NULL, s.user_key IS NOT NULL, s.group_key IS NOT NULL, \(factorKinds[dialect])
            FROM \(from)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(order) LIMIT :limit
            """
        return try connection.query(sql, named: parameters).map { row in
            let user = try UserStore.decode(row)
            let base = UserStore.columnCount
            let status = EnforcementStatusQuery.status(ofCode: try row.decode(base)) ?? .notEnrolled
            let key: Int64? = try row.decode(base + 1)
            var sources: [UserMFASummary.Source] = []
            if key != nil {
                if try row.decode(base + 2) as Bool { sources.append(.org) }
                if try row.decode(base + 3) as Bool { sources.append(.user) }
                if try row.decode(base + 4) as Bool { sources.append(.group) }
            }
            let deadline = status == .preEnrollment ? nil : key.map(EnforcementSQL.deadline(ofKey:))
            let kinds = Set((try row.decode(base + 5) as String?)?.split(separator: ",").map(String.init) ?? [])
            let factors = FactorKind.allCases.filter { kinds.contains($0.rawValue) }
            return (user, UserMFASummary(status: status, deadline: deadline, sources: sources, factors: factors))
        }
    }

    /// How many users of the tenant have each status (every status present, zeros included).
    static func counts(
        tenant: Tenant, features: Set<Feature>, now: Date, filter: UserFilter, on connection: Connection
    ) throws -> [MFAStatus: Int] {
        let query = try EnforcementStatusQuery.make(tenant: tenant, features: features, now: now, on: connection)
        var parameters = query.parameters
        var unfiltered = filter
        unfiltered.mfaStatus = nil
        let conditions = conditions(unfiltered, dialect: connection.dialect, parameters: &parameters)
        // `LIMIT -1` (the optimization fence) keeps the inner query from being flattened, which
        // would compute each user's status once per `FILTER`.
        let sql = """
            SELECT \(countColumns) FROM (
                SELECT s.mfa_status_code AS code FROM (\(query.table)) s
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                \(connection.dialect.optimizationFence)
            ) c
            """
        let row = try connection.queryOne(sql, named: parameters)
        var counts: [MFAStatus: Int] = [:]
        for (index, status) in MFAStatus.allCases.enumerated() { counts[status] = try row?.decode(index) ?? 0 }
        return counts
    }

    /// The filter as conditions on the status table `s`, cheap ones first: SQLite tests the terms
    /// without subqueries before the status, so a filter by status skips computing it for users it
    /// cannot match (enrolled users, for every other status).
    ///
    /// `searchByJoin`: the caller joins `users_search` as `n` and tests ``searchTerm`` itself; only
    /// the parameter is set here.
    private static func conditions(
        _ filter: UserFilter, dialect: SQLDialect, parameters: inout [String: any SQLBindable],
        searchByJoin: Bool = false
    ) -> [String] {
        let enrolled = dialect.isTrue("s.mfa_enrolled")
        var conditions: [String] = []
        if let status = filter.status {
            conditions.append("s.status = :status")
            parameters[":status"] = status.rawValue
        }
        if let role = filter.role {
            conditions.append("s.role = :role")
            parameters[":role"] = role.rawValue
        }
        if let mfaStatus = filter.mfaStatus {
            switch mfaStatus {
            case .enrolled:
                conditions.append(enrolled)
            case .exempt:
                // `exempt_now` is a condition already (a boolean on PostgreSQL).
                conditions.append("NOT \(enrolled) AND s.exempt_now")
            case .preEnrollment:
                conditions.append("NOT \(enrolled) AND (s.status = 'invited' OR s.activated_at IS NULL)")
            case .notEnrolled, .enrollmentPeriod, .setupRequired, .expired:
                conditions.append("NOT \(enrolled)")
            }
        }
        if let search = filter.search, !search.isEmpty {
            // The matching emails come from one scan of the narrow `users_search` index (migrations
            // 0302 and 0303), then only their entries are read: testing `name` on each user's row
            // instead cost about 0.4 s for a search matching few of 100,000 users.
            if !searchByJoin {
                conditions.append(
                    "s.email IN (SELECT n.email FROM users n \(dialect.indexedBy("users_search")) WHERE n.tenant_id = :tenant AND "
                        + searchTerm + ")")
            }
            let term = search.lowercased().filter { $0 != "\u{1F}" }
            parameters[":search"] = "%" + UserStore.escapeLike(term) + "%"
        }
        if let groupID = filter.groupID {
            conditions.append(
                "EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = :group AND gm.user_id = s.id)")
            parameters[":group"] = groupID
        }
        if let mfaStatus = filter.mfaStatus {
            conditions.append("s.mfa_status_code = :mfa_status")
            parameters[":mfa_status"] = EnforcementStatusQuery.code(of: mfaStatus)
        }
        if let required = filter.required {
            conditions.append(required ? "s.mfa_key IS NOT NULL" : "s.mfa_key IS NULL")
        }
        return conditions
    }
}
