import Foundation
import HTTPServer
import Lifecycle
import MandateCore

/// `GET /api/v1/organization/billing` (plan, status, trial end, lifted enforcement, event history)
/// and `POST /api/v1/organization/enforcement/restore` (re-apply what a downgrade lifted).
struct BillingRoutes: Sendable {
    let services: APIServices

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/organization/billing") { [services] request, context in
            let limit = try request.integerQuery("limit", default: 50, range: 1...500)
            let overview = try await services.billing.overview(try context.requirePrincipal(), limit: limit)
            return .json(BillingOverviewJSON(overview: overview, catalog: services.environment.catalog))
        }
        group.post("/organization/enforcement/restore") { [services] request, context in
            let restoration = try await services.billing.restoreEnforcement(
                try context.requirePrincipal(), origin: request.origin)
            var writer = JSONWriter()
            writer.object { json in
                json.field("remaining", restoration.remaining.map(\.rawValue))
                json.field("restored", restoration.restored.map(\.rawValue))
                json.field(
                    "settings",
                    OrganizationSettingsJSON(
                        restoration.tenant,
                        entitlement: restoration.tenant.entitlement(
                            catalog: services.environment.catalog, now: services.environment.clock.now())))
            }
            return .json(bytes: writer.bytes)
        }
    }
}

struct BillingOverviewJSON: JSONRepresentable {
    let overview: BillingService.Overview
    let catalog: PlanCatalog

    func write(to writer: inout JSONWriter) {
        let tenant = overview.tenant
        let entitlement = overview.entitlement
        writer.object { json in
            json.field("effectivePlan", entitlement.effectivePlan.id)
            json.key("events")
            json.array { array in
                for event in overview.events {
                    array.object { item in
                        item.field("detail", event.detail)
                        item.field("occurredAt", event.occurredAt)
                        item.field("outcome", event.outcome.rawValue)
                        item.field("plan", event.plan)
                        item.field("reason", event.reason)
                        item.field("receivedAt", event.receivedAt)
                        item.field("status", event.status)
                        item.field("type", event.type)
                        item.field("webhookId", event.webhookID)
                    }
                }
            }
            json.field("features", entitlement.featureNames)
            json.key("liftedEnforcement")
            if let stored = overview.snapshot {
                json.object { lifted in
                    lifted.field("fromPlan", stored.fromPlan)
                    lifted.field("liftedAt", stored.takenAt)
                    lifted.field("reason", stored.reason.rawValue)
                    lifted.field("restorable", overview.restorable.map(\.rawValue))
                    lifted.field("sources", stored.snapshot.sources.map(\.rawValue))
                    lifted.field("toPlan", stored.toPlan)
                }
            } else {
                json.null()
            }
            json.field("lapsed", entitlement.isLapsed)
            json.field("pastDueGraceEndsAt", tenant.subscriptionStatus == .pastDue ? tenant.pastDueGraceEndsAt : nil)
            json.field("plan", tenant.planID)
            json.field("planName", catalog.plan(tenant.planID)?.name ?? tenant.planID)
            json.field("status", tenant.subscriptionStatus.rawValue)
            json.field("trialEndsAt", tenant.trialEndsAt)
        }
    }
}
