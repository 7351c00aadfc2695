import Foundation
import HTTPServer
import MandateCore

/// MFA enforcement administration: bulk changes, a user's MFA and enrollment resets, and group
/// policies (`/api/v1/mfa-policies`). Organization-wide settings are on
/// `/api/v1/organization/settings`, one user's requirement on `PATCH /api/v1/users/{id}`.
struct EnforcementRoutes: Sendable {
    let services: APIServices

    struct BulkBody: Decodable {
        var userIds: [String]
        var action: String
        var enrollmentDays: Int?
        var exemptUntil: Date?
    }

    struct PolicyBody: Decodable {
        var name: String?
        var enabled: Bool?
        var includeAllUsers: Bool?
        var includedGroupIds: [String]?
        var excludedGroupIds: [String]?
        var enrollmentDays: Int?
    }

    static let bulkActions = ["require", "remove_requirement", "reset_enrollment", "exempt", "remove_exemption"]
    static let policyFields: Set<String> = [
        "name", "enabled", "includeAllUsers", "includedGroupIds", "excludedGroupIds", "enrollmentDays",
    ]

    func register(on group: RouterGroup<MandateContext>) {
        group.post("/users/bulk") { [services] request, context in
            let body = try request.decodeAPI(
                BulkBody.self, allowedFields: ["userIds", "action", "enrollmentDays", "exemptUntil"])
            let action: EnforcementService.BulkAction
            switch body.action {
            case "require":
                guard let days = body.enrollmentDays else {
                    throw HTTPError.unprocessable("Give enrollmentDays (0 = at next sign-in, up to 365; 7 is usual).")
                }
                action = .require(days: days)
            case "remove_requirement": action = .removeRequirement
            case "reset_enrollment": action = .resetEnrollment
            case "exempt": action = .exempt(until: body.exemptUntil)
            case "remove_exemption": action = .removeExemption
            default:
                throw HTTPError.unprocessable(
                    "action must be one of \(Self.bulkActions.joined(separator: ", ")).")
            }
            let count = try await services.enforcement.bulk(
                try context.requirePrincipal(), userIDs: body.userIds, action: action, origin: request.origin)
            return .json(BulkResultJSON(action: body.action, updated: count))
        }
        group.post("/users/:id/mfa/reset") { [services] request, context in
            let (user, view) = try await services.enforcement.resetMFA(
                try context.requirePrincipal(), userID: try context.route.parameters.require("id"),
                origin: request.origin)
            return .json(UserJSON(user, mfa: view))
        }
        group.post("/users/:id/mfa/enrollment/reset") { [services] request, context in
            let (user, view) = try await services.enforcement.resetEnrollment(
                try context.requirePrincipal(), userID: try context.route.parameters.require("id"),
                origin: request.origin)
            return .json(UserJSON(user, mfa: view))
        }

        group.get("/mfa-policies") { [services] _, context in
            let policies = try await services.policies.list(try context.requirePrincipal())
            return .json(PageJSON(data: policies.map(MFAPolicyJSON.init), nextCursor: nil))
        }
        group.post("/mfa-policies") { [services] request, context in
            let body = try request.decodeAPI(PolicyBody.self, allowedFields: Self.policyFields)
            let policy = try await services.policies.create(
                try context.requirePrincipal(), draft: Self.draft(body), origin: request.origin)
            return .json(MFAPolicyJSON(policy: policy), status: .created)
        }
        group.get("/mfa-policies/:id") { [services] _, context in
            let policy = try await services.policies.policy(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"))
            return .json(MFAPolicyJSON(policy: policy))
        }
        group.patch("/mfa-policies/:id") { [services] request, context in
            let body = try request.decodeAPI(PolicyBody.self, allowedFields: Self.policyFields)
            let policy = try await services.policies.update(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"),
                draft: Self.draft(body), origin: request.origin)
            return .json(MFAPolicyJSON(policy: policy))
        }
        group.delete("/mfa-policies/:id") { [services] request, context in
            try await services.policies.delete(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"), origin: request.origin)
            return .noContent
        }
    }

    static func draft(_ body: PolicyBody) -> MFAPolicyService.Draft {
        var draft = MFAPolicyService.Draft()
        draft.name = body.name
        draft.enabled = body.enabled
        draft.includesAllUsers = body.includeAllUsers
        draft.includedGroupIDs = body.includedGroupIds
        draft.excludedGroupIDs = body.excludedGroupIds
        draft.enrollmentDays = body.enrollmentDays
        return draft
    }
}

struct BulkResultJSON: JSONRepresentable {
    let action: String
    let updated: Int

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("action", action)
            json.field("updated", updated)
        }
    }
}
