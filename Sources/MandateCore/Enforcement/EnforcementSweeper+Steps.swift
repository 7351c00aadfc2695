import Foundation
import Lifecycle
import SQLite
import Storage

/// The write steps of the sweep. Each runs in the caller's write transaction and re-checks its
/// users there: their status may have changed since the read that found them.
extension EnforcementSweeper {
    // MARK: Exemptions

    /// Clears exemptions that ran out; a user who must set up MFA now loses their full sessions, a
    /// locked-out one every session (DESIGN.md: re-enforcing a previously exempted, non-enrolled user
    /// ends their sessions at once).
    static func endExemptions(_ userIDs: [String], plan: TenantPlan, now: Date, on connection: Connection) throws
        -> (users: Int, sessions: Int)
    {
        var cleared: [String] = []
        for userID in userIDs {
            // Lifted, extended or cleared by someone else meanwhile: nothing to do.
            let changed = try connection.run(
                """
                UPDATE users SET mfa_exempt = 0, mfa_exempt_until = NULL, updated_at = ?
                WHERE id = ? AND tenant_id = ? AND \(connection.dialect.isTrue("mfa_exempt")) AND mfa_exempt_until <= ?
                """, now, userID, plan.tenant.id, now)
            if changed == 1 { cleared.append(userID) }
        }
        guard !cleared.isEmpty else { return (0, 0) }
        let statuses = try statuses(of: cleared, plan: plan, now: now, on: connection)
        var sessions = 0
        for userID in cleared {
            let user = statuses[userID]
            let status = user?.mfaStatus ?? .notEnrolled
            var ended = 0
            if status == .setupRequired {
                ended = try connection.run("DELETE FROM sessions WHERE user_id = ? AND scope = 'full'", userID)
            } else if status == .expired {
                // Locked out: not even a setup-only session (the lock-out step audits the user).
                ended = try connection.run("DELETE FROM sessions WHERE user_id = ?", userID)
            }
            try AuditLog.record(
                AuditEvent(
                    tenantID: plan.tenant.id, occurredAt: now, actor: .system, action: "mfa.exemption.ended",
                    targetType: "user", targetID: userID, targetLabel: user?.email,
                    details: ["reason": "expired", "mfaStatus": .string(status.rawValue), "sessionsEnded": .int(ended)]),
                on: connection)
            sessions += ended
        }
        return (cleared.count, sessions)
    }

    // MARK: Lock-out

    /// Ends every session of users whose `lock_out` deadline passed, and audits each once per
    /// deadline (claimed as notice `expired`).
    static func lockOut(_ userIDs: [String], plan: TenantPlan, now: Date, on connection: Connection) throws
        -> (users: Int, sessions: Int)
    {
        let statuses = try statuses(of: userIDs, plan: plan, now: now, on: connection)
        var users = 0
        var sessions = 0
        var unannounced = 0
        for userID in userIDs {
            guard let user = statuses[userID], user.mfaStatus == .expired, let deadline = user.deadline else {
                continue
            }
            let ended = try connection.run("DELETE FROM sessions WHERE user_id = ?", userID)
            sessions += ended
            guard
                try EnforcementStore.claimNotice(
                    userID: userID, kind: EnforcementNotice.expired.rawValue, deadline: deadline, now: now,
                    on: connection)
            else {
                unannounced += ended
                continue
            }
            users += 1
            try AuditLog.record(
                AuditEvent(
                    tenantID: plan.tenant.id, occurredAt: now, actor: .system, action: "mfa.enrollment.expired",
                    targetType: "user", targetID: userID, targetLabel: user.email,
                    details: [
                        "deadline": .string(Timestamp.iso8601(deadline)), "expiryAction": "lock_out",
                        "sessionsEnded": .int(ended),
                    ]),
                on: connection)
        }
        if unannounced > 0 {
            // Sessions of users audited by an earlier sweep (an admin let them in again meanwhile).
            try recordSessionsEnded(unannounced, reason: "lock_out", tenant: plan.tenant, now: now, on: connection)
        }
        return (users, sessions)
    }

    // MARK: Sign-out policies

    /// `immediately`: ends the full sessions of users who must set up MFA now, with the tenant's
    /// settings as they are in this transaction.
    static func signOutImmediately(tenantID: String, catalog: PlanCatalog, now: Date, on connection: Connection)
        throws -> Int
    {
        guard let tenant = try TenantStore.find(id: tenantID, on: connection) else { return 0 }
        let features = tenant.entitlement(catalog: catalog, now: now).features
        guard features.contains(.signOutPolicy), tenant.settings.mfaSignOutPolicy == .immediately else { return 0 }
        let ended = try EnforcementSessions.endNonCompliant(
            tenant: tenant, features: features, now: now, on: connection)
        if ended > 0 {
            try recordSessionsEnded(ended, reason: "immediately", tenant: tenant, now: now, on: connection)
        }
        return ended
    }

    /// Records `midnight` as the tenant's last swept local midnight and, under the policy
    /// `midnight`, ends the full sessions of users who must set up MFA. Returns how many, or nil
    /// when nothing was swept: another sweeper recorded it first, the policy is another, or this is
    /// the first midnight recorded for the tenant — a baseline, since the policy means "at the next
    /// midnight", not "at once".
    static func recordMidnight(
        _ midnight: Date, tenantID: String, catalog: PlanCatalog, now: Date, on connection: Connection
    ) throws -> Int? {
        guard let tenant = try TenantStore.find(id: tenantID, on: connection),
            let row = try connection.queryOne("SELECT mfa_midnight_swept_at FROM tenants WHERE id = ?", tenantID)
        else { return nil }
        let previous: Date? = try row.decode(0)
        guard previous.map({ $0 < midnight }) ?? true else { return nil }
        try connection.run("UPDATE tenants SET mfa_midnight_swept_at = ? WHERE id = ?", midnight, tenantID)
        let features = tenant.entitlement(catalog: catalog, now: now).features
        guard previous != nil, features.contains(.signOutPolicy), tenant.settings.mfaSignOutPolicy == .midnight
        else { return nil }
        let ended = try EnforcementSessions.endNonCompliant(
            tenant: tenant, features: features, now: now, on: connection)
        if ended > 0 {
            try recordSessionsEnded(
                ended, reason: "midnight", tenant: tenant, now: now, on: connection,
                extra: ["midnight": .string(Timestamp.iso8601(midnight)), "timeZone": .string(tenant.timeZone)])
        }
        return ended
    }

    /// One event per tenant and batch: the batch is one decision of the system (the policy), and
    /// each user's own consequential events (lock-out, exemption end) are audited one by one.
    private static func recordSessionsEnded(
        _ count: Int, reason: String, tenant: Tenant, now: Date, on connection: Connection,
        extra: [String: AuditValue] = [:]
    ) throws {
        var details: [String: AuditValue] = ["reason": .string(reason), "count": .int(count)]
        details.merge(extra) { current, _ in current }
        try AuditLog.record(
            AuditEvent(
                tenantID: tenant.id, occurredAt: now, actor: .system, action: "mfa.sessions.ended",
                targetType: "tenant", targetID: tenant.id, targetLabel: tenant.slug, details: details),
            on: connection)
    }

    // MARK: Notices

    /// Queues the enrollment email due to each user, claimed in `mfa_notices` first so that it is
    /// sent once whoever races. The drafts were rendered before the transaction; one whose user or
    /// notice changed meanwhile is rendered again. Returns how many were queued.
    static func sendNotices(
        _ drafts: [NoticeDraft], plan: TenantPlan, environment: CoreEnvironment, now: Date, on connection: Connection
    ) throws -> Int {
        let userIDs = drafts.map(\.userID)
        let statuses = try statuses(of: userIDs, plan: plan, now: now, on: connection)
        let sent = try notices(of: userIDs, on: connection)
        var mail: EnforcementNoticeMail?
        var queued = 0
        for draft in drafts {
            guard let user = statuses[draft.userID], let deadline = user.deadline,
                let notice = user.noticeDue(now: now, sent: sent[draft.userID] ?? []),
                try EnforcementStore.claimNotice(
                    userID: draft.userID, kind: notice.rawValue, deadline: deadline, now: now, on: connection)
            else { continue }
            var content = draft.content
            if content == nil || draft.notice != notice || draft.deadline != deadline || draft.email != user.email
                || draft.name != user.name
            {
                let renderer = mail ?? EnforcementNoticeMail(environment: environment, tenant: plan.tenant)
                mail = renderer
                content = renderer.render(notice, name: user.name, deadline: deadline, now: now)
            }
            guard let content else { continue }
            _ = try MessageStore.queueEmail(
                EmailMessageRequest(
                    tenantID: plan.tenant.id, userID: draft.userID, to: user.email, subject: content.subject,
                    text: content.text, html: content.html),
                on: connection, now: now)
            queued += 1
        }
        return queued
    }
}
