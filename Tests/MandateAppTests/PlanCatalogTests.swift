import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage
import Testing

/// The plan catalog and entitlements (DESIGN.md §3 "Plans and entitlements").
@Suite("Plans and entitlements")
struct PlanCatalogTests {
    static let shipped = TestApp.repositoryRoot.appendingPathComponent("Fixtures/plans.json")

    func catalog(_ json: String) throws(CoreError) -> PlanCatalog {
        try PlanCatalog(json: Data(json.utf8), source: "test.json")
    }

    func refusal(_ json: String) -> CoreError? {
        do {
            _ = try catalog(json)
            return nil
        } catch {
            return error
        }
    }

    @Test("the shipped catalog loads with the four plans of DESIGN.md")
    func shippedCatalog() throws {
        let catalog = try PlanCatalog.load(from: Self.shipped)
        #expect(catalog.plans.map(\.id) == ["free", "team", "business", "enterprise"])
        #expect(catalog.plans.map(\.rank) == [0, 1, 2, 3])
        let free: Set<Feature> = [.selfService, .statusView]
        let team = free.union([.sms, .enforceUser])
        let business = team.union([.enforceOrg, .enrollmentPeriod, .auditExport])
        let enterprise = business.union([.enforceGroups, .signOutPolicy])
        #expect(catalog.plan("free")?.features == free)
        #expect(catalog.plan("team")?.features == team)
        #expect(catalog.plan("business")?.features == business)
        #expect(catalog.plan("enterprise")?.features == enterprise)
        #expect(catalog.fallback.id == "free")
    }

    @Test("an unknown feature name is refused, naming it")
    func unknownFeature() {
        let error = refusal(
            #"{"plans": [{"id": "free", "name": "Free", "rank": 0, "features": ["mfa.self_service", "mfa.telepathy"]}]}"#
        )
        #expect(error?.reason == .validation(field: "plans"))
        #expect(error?.message.contains("mfa.telepathy") == true)
    }

    @Test("duplicate ids, duplicate ranks and a missing free plan are refused")
    func structuralErrors() {
        let duplicateID = refusal(
            #"{"plans": [{"id": "free", "name": "Free", "rank": 0, "features": []}, {"id": "free", "name": "Again", "rank": 1, "features": []}]}"#
        )
        #expect(duplicateID?.reason == .validation(field: "plans"))
        #expect(duplicateID?.message.contains("twice") == true)
        let duplicateRank = refusal(
            #"{"plans": [{"id": "free", "name": "Free", "rank": 0, "features": []}, {"id": "team", "name": "Team", "rank": 0, "features": []}]}"#
        )
        #expect(duplicateRank?.reason == .validation(field: "plans"))
        #expect(duplicateRank?.message.contains("rank") == true)
        let noFree = refusal(#"{"plans": [{"id": "team", "name": "Team", "rank": 1, "features": ["mfa.sms"]}]}"#)
        #expect(noFree?.reason == .validation(field: "plans"))
        #expect(noFree?.message.contains("free") == true)
        #expect(refusal(#"{"plans": []}"#) != nil)
        #expect(refusal("not json") != nil)
        #expect(refusal(#"{"plans": [{"id": "free", "name": "Free", "rank": "zero", "features": []}]}"#) != nil)
        #expect(refusal(#"{"plans": [{"id": "free", "name": "Free", "rank": 0, "features": []}]}"#) == nil)
    }

    @Test("entitlement: active and past_due (until its grace ends) keep the plan, canceled falls back to free")
    func entitlementByStatus() throws {
        let catalog = try PlanCatalog.load(from: Self.shipped)
        let business = try #require(catalog.plan("business"))
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        func effective(_ status: SubscriptionStatus, trialEndsAt: Date? = nil) -> Entitlement {
            Entitlement(subscribedPlan: business, status: status, trialEndsAt: trialEndsAt, now: now, catalog: catalog)
        }
        #expect(effective(.active).effectivePlan.id == "business")
        #expect(effective(.pastDue).effectivePlan.id == "business")
        #expect(effective(.pastDue).includes(.enforceOrg))
        #expect(effective(.canceled).effectivePlan.id == "free")
        #expect(effective(.canceled).isLapsed)
        #expect(!effective(.canceled).includes(.enforceOrg))
        #expect(effective(.canceled).includes(.selfService))
        #expect(effective(.trialing, trialEndsAt: now.addingTimeInterval(1)).effectivePlan.id == "business")
        #expect(effective(.trialing, trialEndsAt: now).effectivePlan.id == "free")
        #expect(effective(.trialing, trialEndsAt: now.addingTimeInterval(-1)).isLapsed)
        // past_due keeps the plan until its grace ends.
        func pastDue(graceEndsAt: Date) -> Entitlement {
            Entitlement(
                subscribedPlan: business, status: .pastDue, trialEndsAt: nil, pastDueGraceEndsAt: graceEndsAt, now: now,
                catalog: catalog)
        }
        #expect(pastDue(graceEndsAt: now.addingTimeInterval(1)).effectivePlan.id == "business")
        #expect(pastDue(graceEndsAt: now).effectivePlan.id == "free")
        #expect(pastDue(graceEndsAt: now.addingTimeInterval(-1)).isLapsed)
    }

    @Test("a trialing tenant has its plan until the trial ends, then the free features")
    func trialThroughAPI() async throws {
        let app = try await TestApp()
        try await app.makeTenant(slug: "acme", plan: "enterprise", status: .trialing, trialDays: 14)
        let token = try await app.login("acme", "owner@acme.test")
        func organization() async -> [String: Any]? {
            await app.request(.get, "/api/v1/me", token: token).object("organization")
        }
        #expect(await organization()?["plan"] as? String == "enterprise")
        #expect((await organization()?["features"] as? [String])?.contains("mfa.enforce.groups") == true)
        app.clock.advance(by: 14 * 86_400 - 1)
        let lastSecond = try await app.login("acme", "owner@acme.test")
        #expect(
            await app.request(.get, "/api/v1/me", token: lastSecond).object("organization")?["plan"] as? String
                == "enterprise")
        app.clock.advance(by: 1)
        let fresh = try await app.login("acme", "owner@acme.test")
        let settings = await app.request(.get, "/api/v1/organization/settings", token: fresh)
        #expect(settings.string("subscriptionTier") == "enterprise")
        #expect(settings.string("effectiveTier") == "free")
        #expect(settings.json["features"] as? [String] == ["mfa.self_service", "mfa.status_view"])
    }
}
