import Foundation
import Lifecycle
import SQLite
import Storage

/// The subscription side of a tenant (DESIGN.md §3 "Plans and entitlements", §4 billing webhooks):
/// applying billing events, lifting enforcement a plan no longer includes (webhook, trial end,
/// past-due grace), restoring it after an upgrade, and the billing overview of the dashboard.
public struct BillingService: Sendable {
    /// The `source` recorded in `inbound_webhooks`.
    public static let source = "billing"
    /// The default grace of `past_due`: the plan is kept this many days, then the tenant downgrades.
    public static let defaultPastDueGraceDays = 7

    private let environment: CoreEnvironment
    private let pastDueGrace: TimeInterval

    public init(environment: CoreEnvironment, pastDueGraceDays: Int = BillingService.defaultPastDueGraceDays) {
        self.environment = environment
        self.pastDueGrace = Double(max(0, pastDueGraceDays)) * 86_400
    }

    // MARK: Events

    /// What became of a verified event.
    public enum Outcome: Sendable, Equatable {
        /// The event changed the subscription; `lifted` is the enforcement it lifted.
        case applied(tenantID: String, lifted: [LiftedSource])
        /// The `webhook-id` was processed before: nothing changed again.
        case duplicate
        /// Older than the last event applied for the tenant: nothing changed.
        case stale(tenantID: String)
        /// No tenant has the id or handle (404).
        case unknownTenant
        /// The catalog has no such plan (422).
        case unknownPlan(String)
    }

    /// Applies `event` once per `webhookID`, in one transaction: the subscription, the lift of what
    /// the new plan lacks, the audit events, the admins' email, the idempotency record and the
    /// event history.
    public func receive(_ event: BillingEvent, webhookID: String) async throws(CoreError) -> Outcome {
        let environment = self.environment
        let pastDueGrace = self.pastDueGrace
        let now = environment.clock.now()
        return try await environment.write { connection in
            let tenant = try Self.tenant(event.tenant, on: connection)
            var record = BillingEventRecord(
                webhookID: webhookID, tenantID: tenant?.id, type: event.type.rawValue, occurredAt: event.timestamp,
                receivedAt: now, outcome: .applied, plan: event.plan, status: event.status.rawValue)
            if try InboundWebhookStore.outcome(of: webhookID, on: connection) != nil {
                record.outcome = .duplicate
                try BillingEventLog.record(record, on: connection)
                return .duplicate
            }
            guard var tenant else {
                record.outcome = .rejected
                record.reason = "unknown_tenant"
                record.detail = "No organization has the id or handle '\(event.tenant)'."
                try BillingEventLog.record(record, on: connection)
                return .unknownTenant
            }
            let planID = event.plan ?? tenant.planID
            guard environment.catalog.plan(planID) != nil else {
                record.outcome = .rejected
                record.reason = "unknown_plan"
                record.detail = "There is no plan '\(planID)'."
                try BillingEventLog.record(record, on: connection)
                return .unknownPlan(planID)
            }
            record.plan = planID
            try InboundWebhookStore.record(
                webhookID: webhookID, source: Self.source, outcome: "processed", on: connection, now: now)
            if let last = tenant.billingEventAt, event.timestamp < last {
                record.outcome = .stale
                record.detail =
                    "Older than the last event applied (\(Timestamp.iso8601(last))): nothing changed."
                try BillingEventLog.record(record, on: connection)
                return .stale(tenantID: tenant.id)
            }
            let before = tenant
            tenant.planID = planID
            tenant.subscriptionStatus = event.status
            if let trialEndsAt = event.trialEndsAt { tenant.trialEndsAt = trialEndsAt }
            if event.status == .pastDue {
                // The grace runs from when the subscription first became past due, not from each reminder.
                if before.subscriptionStatus != .pastDue || before.pastDueGraceEndsAt == nil {
                    tenant.pastDueGraceEndsAt = event.timestamp.addingTimeInterval(pastDueGrace)
                }
            } else {
                tenant.pastDueGraceEndsAt = nil
            }
            tenant.billingEventAt = event.timestamp
            tenant.updatedAt = now
            try TenantStore.update(tenant, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenant.id, occurredAt: now, actor: Self.billingActor,
                    action: "billing.subscription.updated", targetType: "tenant", targetID: tenant.id,
                    targetLabel: tenant.slug, details: Self.changes(before, tenant, event: event, webhookID: webhookID)),
                on: connection)
            let lift = try EnforcementLift.liftUnentitled(
                tenant: tenant, fromPlan: before.planID, reason: Self.reason(of: event, tenant: tenant),
                environment: environment, now: now, on: connection)
            if let lift {
                record.reason = "lifted"
                record.detail = "Lifted: " + lift.sources.map(\.rawValue).joined(separator: ", ") + "."
            }
            try BillingEventLog.record(record, on: connection)
            return .applied(tenantID: tenant.id, lifted: lift?.sources ?? [])
        }
    }

    /// Records a request refused before it could be applied (bad signature, malformed body, …).
    /// `tenant` is the id or handle a *verified* body names, if any; an unverified body names nobody.
    public func recordRejection(
        reason: String, detail: String, webhookID: String?, type: String?, tenant: String?
    ) async throws(CoreError) {
        let now = environment.clock.now()
        try await environment.write { connection in
            let tenantID = try tenant.flatMap { try Self.tenant($0, on: connection)?.id }
            try BillingEventLog.record(
                BillingEventRecord(
                    webhookID: webhookID, tenantID: tenantID, type: type, occurredAt: nil, receivedAt: now,
                    outcome: .rejected, reason: reason, detail: detail),
                on: connection)
        }
    }

    // MARK: Scheduler

    /// Lifts the enforcement of tenants whose subscription lapsed without a webhook saying so: a
    /// trial past `trialEndsAt`, `past_due` past its grace, or `canceled`. Only tenants with some
    /// enforcement still on are read, so a sweep with nothing to do costs one query. Each lift is
    /// its own transaction and happens once: afterwards nothing is left on to lift.
    ///
    /// - Returns: how many tenants had enforcement lifted.
    @discardableResult
    public func sweepLapsed() async throws(CoreError) -> Int {
        let now = environment.clock.now()
        let candidates: [String] = try await environment.read { connection in
            let dialect = connection.dialect
            return try connection.query(
                """
                SELECT t.id FROM tenants t
                WHERE ((t.subscription_status = 'trialing' AND t.trial_ends_at <= :now)
                        OR (t.subscription_status = 'past_due' AND t.past_due_grace_ends_at <= :now)
                        OR t.subscription_status = 'canceled')
                    AND (\(dialect.isTrue("t.mfa_required")) OR t.mfa_sign_out_policy <> 'none'
                        OR EXISTS (SELECT 1 FROM mfa_policies p WHERE p.tenant_id = t.id AND \(dialect.isTrue("p.enabled")))
                        OR EXISTS (SELECT 1 FROM users u \(dialect.indexedBy("users_mfa_required"))
                            WHERE u.tenant_id = t.id AND u.mfa_required = 1
                                AND COALESCE(u.mfa_required_at, :no_time) > COALESCE(t.mfa_user_lifted_at, :never)))
                ORDER BY t.id
                """,
                named: [":now": now, ":no_time": EnforcementSQL.noTime, ":never": Int64.min]
            ).map { try $0.decode(0) }
        }
        var lifted = 0
        for tenantID in candidates {
            let environment = self.environment
            let done = try await environment.write { connection in
                guard let tenant = try TenantStore.find(id: tenantID, on: connection) else { return false }
                let reason: LiftReason =
                    switch tenant.subscriptionStatus {
                    case .trialing: .trialEnded
                    case .pastDue: .pastDueGraceEnded
                    case .canceled, .active: .canceled
                    }
                return try EnforcementLift.liftUnentitled(
                    tenant: tenant, fromPlan: tenant.planID, reason: reason, environment: environment, now: now,
                    on: connection) != nil
            }
            if done {
                lifted += 1
                environment.logger.notice("enforcement lifted: subscription lapsed", ["tenantId": .string(tenantID)])
            }
        }
        return lifted
    }

    // MARK: Administrators

    /// The billing page: subscription, entitlement, the lifted enforcement waiting for a restore, and
    /// the latest events.
    public struct Overview: Sendable {
        public var tenant: Tenant
        public var entitlement: Entitlement
        public var snapshot: StoredEnforcementSnapshot?
        /// Which parts of the snapshot the current plan would allow to restore.
        public var restorable: [LiftedSource]
        public var events: [BillingEventRecord]
    }

    public func overview(_ principal: Principal, limit: Int = 50) async throws(CoreError) -> Overview {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        let environment = self.environment
        let now = environment.clock.now()
        return try await environment.read { connection in
            guard let tenant = try TenantStore.find(id: tenantID, on: connection) else {
                throw CoreError.notFound("The organization")
            }
            let entitlement = tenant.entitlement(catalog: environment.catalog, now: now)
            let snapshot = try EnforcementLift.snapshot(tenantID: tenantID, on: connection)
            return Overview(
                tenant: tenant, entitlement: entitlement, snapshot: snapshot,
                restorable: snapshot?.snapshot.sources.filter { entitlement.includes($0.feature) } ?? [],
                events: try BillingEventLog.events(tenantID: tenantID, limit: max(1, min(limit, 500)), on: connection))
        }
    }

    /// What `restoreEnforcement` did.
    public struct Restoration: Sendable {
        public var restored: [LiftedSource]
        public var remaining: [LiftedSource]
        public var tenant: Tenant
    }

    /// Re-applies the enforcement a downgrade lifted, as far as the plan now allows; periods restart
    /// now. Only administrators with `manageUsers`.
    ///
    /// - Throws: 409 `conflict` when nothing was lifted; 403 `plan_upgrade_required` when the plan
    ///   still lacks every lifted part.
    public func restoreEnforcement(_ principal: Principal, origin: RequestOrigin) async throws(CoreError)
        -> Restoration
    {
        try principal.requireManageUsers()
        let tenantID = principal.tenant.id
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        let environment = self.environment
        let now = environment.clock.now()
        return try await environment.write { connection in
            guard let tenant = try TenantStore.find(id: tenantID, on: connection) else {
                throw CoreError.notFound("The organization")
            }
            let (restoration, saved) = try EnforcementLift.restore(
                tenant: tenant, environment: environment, now: now, on: connection)
            var details: [String: AuditValue] = [
                "restored": .strings(restoration.restored.map(\.rawValue)),
                "remaining": .strings(restoration.remaining.map(\.rawValue)),
                "liftedAt": .string(Timestamp.iso8601(saved.takenAt)), "liftReason": .string(saved.reason.rawValue),
            ]
            if restoration.restored.contains(.userRequirements) {
                details["userRequirements"] = .int(restoration.userRequirementCount)
            }
            if restoration.restored.contains(.groupPolicies) {
                details["groupPolicies"] = .int(restoration.groupPolicyCount)
            }
            let restored = restoration.tenant
            let features = restored.entitlement(catalog: environment.catalog, now: now).features
            if restored.settings.mfaSignOutPolicy == .immediately, features.contains(.signOutPolicy) {
                details["sessionsEnded"] = .int(
                    try EnforcementSessions.endNonCompliant(
                        tenant: restored, features: features, now: now, on: connection))
            }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenantID, occurredAt: now, actor: actor, action: "mfa.enforcement.restored",
                    targetType: "tenant", targetID: tenantID, targetLabel: restored.slug, details: details),
                on: connection)
            return Restoration(
                restored: restoration.restored, remaining: restoration.remaining, tenant: restored)
        }
    }

    // MARK: Helpers

    static let billingActor = AuditActor(kind: .billing, label: "billing webhook")

    /// The tenant an event names: by id, else by handle.
    private static func tenant(_ reference: String, on connection: Connection) throws -> Tenant? {
        if let tenant = try TenantStore.find(id: reference, on: connection) { return tenant }
        return try TenantStore.find(slug: reference.lowercased(), on: connection)
    }

    private static func reason(of event: BillingEvent, tenant: Tenant) -> LiftReason {
        switch (event.type, tenant.subscriptionStatus) {
        case (.subscriptionCanceled, _), (_, .canceled): .canceled
        case (.trialEnded, _): .trialEnded
        case (_, .trialing): .trialEnded
        case (_, .pastDue): .pastDueGraceEnded
        default: .downgrade
        }
    }

    private static func changes(_ before: Tenant, _ after: Tenant, event: BillingEvent, webhookID: String)
        -> [String: AuditValue]
    {
        var details: [String: AuditValue] = [
            "type": .string(event.type.rawValue), "webhookId": .string(webhookID),
            "eventTimestamp": .string(Timestamp.iso8601(event.timestamp)),
            "plan": .strings([before.planID, after.planID]),
            "status": .strings([before.subscriptionStatus.rawValue, after.subscriptionStatus.rawValue]),
        ]
        if let trialEndsAt = after.trialEndsAt { details["trialEndsAt"] = .string(Timestamp.iso8601(trialEndsAt)) }
        if let graceEnd = after.pastDueGraceEndsAt {
            details["pastDueGraceEndsAt"] = .string(Timestamp.iso8601(graceEnd))
        }
        return details
    }
}
