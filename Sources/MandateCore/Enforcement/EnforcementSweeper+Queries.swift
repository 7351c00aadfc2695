import Foundation
import SQLite
import Storage

/// The reads of the sweep: the work of a tenant (on a reader, without the write lock) and the
/// statuses and notices of a batch of users (again in each write transaction, to re-check them).
extension EnforcementSweeper {
    static func tenants(on connection: Connection) throws -> [(Tenant, midnightSweptAt: Date?)] {
        try connection.query(tenantsSQL).map { row in
            (try TenantStore.decode(row), try row.decode(TenantStore.columnCount))
        }
    }

    private static let tenantsSQL = "SELECT \(TenantStore.columns), mfa_midnight_swept_at FROM tenants ORDER BY id"

    /// What the steps must look at in one tenant; for users due an email, the email as it would
    /// be sent now (rendered afterwards, off the database threads).
    static func findWork(_ plan: TenantPlan, now: Date, on connection: Connection) throws -> TenantWork {
        var work = TenantWork(plan: plan)
        work.expiredExemptions = try connection.query(expiredExemptionsSQL[connection.dialect], plan.tenant.id, now).map
        {
            try $0.decode(0)
        }
        guard plan.canRequireMFA else { return work }
        let query = try EnforcementStatusQuery.make(
            tenant: plan.tenant, features: plan.features, now: now, on: connection)
        var parameters = query.parameters
        parameters[":sign_out_now"] = plan.signOutPolicy == .immediately
        parameters[":fresh"] = EnforcementNotice.freshnessMilliseconds
        var noticeCandidates: [String] = []
        for row in try connection.query(candidatesSQL(query.table, dialect: connection.dialect), named: parameters) {
            switch EnforcementStatusQuery.status(ofCode: try row.decode(1)) {
            case .expired: work.expired.append(try row.decode(0))
            case .setupRequired: work.hasNonCompliantSessions = true
            case .enrollmentPeriod: noticeCandidates.append(try row.decode(0))
            default: break
            }
        }
        guard !noticeCandidates.isEmpty else { return work }
        let users = try statuses(of: noticeCandidates, plan: plan, now: now, on: connection)
        let sent = try notices(of: noticeCandidates, on: connection)
        for userID in noticeCandidates {
            guard let user = users[userID], let notice = user.noticeDue(now: now, sent: sent[userID] ?? []) else {
                continue
            }
            work.notices.append(
                NoticeDraft(
                    userID: userID, email: user.email, name: user.name, deadline: user.deadline ?? now, notice: notice))
        }
        return work
    }

    private static let expiredExemptionsSQL = DialectText { dialect in
        """
        SELECT id FROM users WHERE tenant_id = ? AND \(dialect.isTrue("mfa_exempt")) AND mfa_exempt_until <= ? ORDER BY id
        """
    }

    static let expiredCode = EnforcementStatusQuery.code(of: .expired)
    static let setupRequiredCode = EnforcementStatusQuery.code(of: .setupRequired)
    static let enrollmentPeriodCode = EnforcementStatusQuery.code(of: .enrollmentPeriod)

    /// Users of the tenant some step must look at: locked out and not audited yet for this deadline
    /// or still holding a session; under `immediately`, due to set up MFA with a full session; and
    /// active users in their enrollment period with an email due. The inner `LIMIT -1` (the
    /// optimization fence) keeps SQLite from flattening the status table into the conditions, which
    /// would compute each status once per mention.
    private static func candidatesSQL(_ statusTable: String, dialect: SQLDialect) -> String {
        """
        SELECT c.id, c.code FROM (
            SELECT s.id, s.status, s.mfa_status_code AS code, s.mfa_key AS k FROM (\(statusTable)) s \(dialect.optimizationFence)) c
        WHERE (c.code = \(expiredCode) AND (
                NOT EXISTS (
                    SELECT 1 FROM mfa_notices n WHERE n.user_id = c.id AND n.kind = 'expired' AND n.deadline = c.k >> 1)
                OR EXISTS (SELECT 1 FROM sessions x WHERE x.user_id = c.id)))
            OR (\(dialect.isTrue(":sign_out_now")) AND c.code = \(setupRequiredCode)
                AND EXISTS (SELECT 1 FROM sessions x WHERE x.user_id = c.id AND x.scope = 'full'))
            OR (c.code = \(enrollmentPeriodCode) AND c.status = 'active' AND \(EnforcementNotice.dueSQL))
        ORDER BY c.id
        """
    }

    // MARK: Batches of users

    /// A user's status as the steps need it.
    struct UserStatusRow {
        var status: UserStatus
        var email: String
        var name: String
        var mfaStatus: MFAStatus
        var deadline: Date?

        /// The email due to an active user in their enrollment period, given the notices sent.
        func noticeDue(now: Date, sent: [SentNotice]) -> EnforcementNotice? {
            guard status == .active, mfaStatus == .enrollmentPeriod, let deadline else { return nil }
            var byKind: [EnforcementNotice: Date] = [:]
            for notice in sent where notice.deadline == deadline { byKind[notice.kind] = notice.sentAt }
            return EnforcementNotice.due(deadline: deadline, now: now, sent: byKind)
        }
    }

    struct SentNotice {
        var kind: EnforcementNotice
        var deadline: Date
        var sentAt: Date
    }

    /// The statuses of `userIDs` (the general form of the rule, one primary-key lookup per user,
    /// driven by the list), at `now`.
    static func statuses(of userIDs: [String], plan: TenantPlan, now: Date, on connection: Connection) throws
        -> [String: UserStatusRow]
    {
        var parameters = EnforcementSQL.parameters(tenant: plan.tenant, features: plan.features, now: now)
        parameters[":users"] = try jsonArray(userIDs)
        var rows: [String: UserStatusRow] = [:]
        for row in try connection.query(statusesSQL[connection.dialect], named: parameters) {
            let key: Int64? = try row.decode(5)
            rows[try row.decode(0)] = UserStatusRow(
                status: UserStatus(rawValue: try row.decode(1)) ?? .suspended, email: try row.decode(2),
                name: try row.decode(3), mfaStatus: MFAStatus(rawValue: try row.decode(4)) ?? .notEnrolled,
                deadline: key.map(EnforcementSQL.deadline(ofKey:)))
        }
        return rows
    }

    private static let statusesSQL = DialectText { dialect in
        """
        SELECT s.id, s.status, s.email, s.name, s.mfa_status, s.mfa_key
        FROM \(dialect.jsonArrayElements(":users", alias: "j")) \(dialect.orderedJoin) (\(EnforcementSQL.statusTable[dialect])) s ON s.id = j.value
        """
    }

    /// The notices recorded for `userIDs`, by user.
    static func notices(of userIDs: [String], on connection: Connection) throws -> [String: [SentNotice]] {
        var notices: [String: [SentNotice]] = [:]
        for row in try connection.query(noticesSQL[connection.dialect], try jsonArray(userIDs)) {
            guard let kind = EnforcementNotice(rawValue: try row.decode(1)) else { continue }
            notices[try row.decode(0), default: []].append(
                SentNotice(kind: kind, deadline: try row.decode(2), sentAt: try row.decode(3)))
        }
        return notices
    }

    private static let noticesSQL = DialectText { dialect in
        """
        SELECT n.user_id, n.kind, n.deadline, n.sent_at FROM \(dialect.jsonArrayElements("?", alias: "j"))
        \(dialect.orderedJoin) mfa_notices n ON n.user_id = j.value
        """
    }

    /// `["a","b"]`, for `json_each` (``SQLDialect/jsonArrayElements(_:alias:)``).
    static func jsonArray(_ values: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
    }
}
