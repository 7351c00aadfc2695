import Foundation
import HTTPServer
import MandateCore

/// `/api/v1/users`: list, invite, read, change, unlock, resend an invitation.
struct UserRoutes: Sendable {
    let services: APIServices

    struct InviteBody: Decodable {
        var email: String
        var name: String?
        var role: Role?
        var manageUsers: Bool?
    }

    struct UpdateBody: Decodable {
        var name: String?
        var role: Role?
        var status: UserStatus?
        var manageUsers: Bool?
        var mfaRequired: Bool?
        var mfaEnrollmentDays: Int?
        var mfaExempt: Bool?
        var mfaExemptUntil: Date?
    }

    struct InvitedJSON: JSONRepresentable {
        let invited: UserService.Invited

        func write(to writer: inout JSONWriter) {
            writer.object { json in
                json.key("invitation")
                json.object { invitation in
                    invitation.field("expiresAt", invited.invitation.expiresAt)
                    invitation.field("id", invited.invitation.id)
                }
                json.field("user", UserJSON(invited.user))
            }
        }
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/users") { [services] request, context in
            let query = request.queryParameters
            let status = try query["status"].map { raw throws(HTTPError) -> UserStatus in
                guard let status = UserStatus(rawValue: raw) else {
                    throw HTTPError.unprocessable("status must be one of invited, active, suspended.")
                }
                return status
            }
            let role = try query["role"].map { raw throws(HTTPError) -> Role in
                guard let role = Role(rawValue: raw) else {
                    throw HTTPError.unprocessable("role must be one of owner, admin, member.")
                }
                return role
            }
            var filter = UserFilter(search: query["q"], status: status, role: role, groupID: query["group"])
            filter.mfaStatus = try Self.mfaStatus(query["mfaStatus"])
            filter.required = try Self.boolean(query["required"], name: "required")
            let page = try await services.users.list(
                try context.requirePrincipal(), filter: filter, cursor: query["cursor"],
                limit: try request.integerQuery("limit", default: 50, range: 1...200))
            return .json(
                PageJSON(
                    data: zip(page.users, page.mfa).map { ListedUserJSON(user: $0, mfa: $1) },
                    nextCursor: page.nextCursor))
        }
        group.get("/users/mfa-status-counts") { [services] request, context in
            let query = request.queryParameters
            var filter = UserFilter(search: query["q"], groupID: query["group"])
            filter.required = try Self.boolean(query["required"], name: "required")
            let counts = try await services.enforcement.counts(try context.requirePrincipal(), filter: filter)
            return .json(MFAStatusCountsJSON(counts: counts))
        }
        group.post("/users") { [services] request, context in
            let body = try request.decodeAPI(InviteBody.self, allowedFields: ["email", "name", "role", "manageUsers"])
            let invited = try await services.users.invite(
                try context.requirePrincipal(), email: body.email, name: body.name ?? "", role: body.role ?? .member,
                manageUsers: body.manageUsers, origin: request.origin)
            return .json(InvitedJSON(invited: invited), status: .created)
        }
        group.get("/users/:id") { [services] _, context in
            let principal = try context.requirePrincipal()
            let id = try context.route.parameters.require("id")
            guard principal.canViewOrganization else {
                // Members read themselves only (the MFA status is on GET /me).
                return .json(UserJSON(try await services.users.user(principal, id: id)))
            }
            let (user, view) = try await services.enforcement.status(principal, userID: id)
            return .json(UserJSON(user, mfa: view))
        }
        group.patch("/users/:id") { [services] request, context in
            let body = try request.decodeAPI(
                UpdateBody.self,
                allowedFields: [
                    "name", "role", "status", "manageUsers", "mfaRequired", "mfaEnrollmentDays", "mfaExempt",
                    "mfaExemptUntil",
                ])
            let principal = try context.requirePrincipal()
            let id = try context.route.parameters.require("id")
            _ = try await services.users.update(
                principal, userID: id,
                changes: UserService.Changes(
                    name: body.name, role: body.role, status: body.status, manageUsers: body.manageUsers),
                mfa: EnforcementService.UserChanges(
                    required: body.mfaRequired, enrollmentDays: body.mfaEnrollmentDays, exempt: body.mfaExempt,
                    exemptUntil: body.mfaExemptUntil),
                origin: request.origin)
            let (user, view) = try await services.enforcement.status(principal, userID: id)
            return .json(UserJSON(user, mfa: view))
        }
        group.post("/users/:id/unlock") { [services] request, context in
            let user = try await services.users.unlock(
                try context.requirePrincipal(), userID: try context.route.parameters.require("id"),
                origin: request.origin)
            return .json(UserJSON(user))
        }
        group.post("/users/:id/invitation") { [services] request, context in
            let invited = try await services.users.resendInvitation(
                try context.requirePrincipal(), userID: try context.route.parameters.require("id"),
                origin: request.origin)
            return .json(InvitedJSON(invited: invited), status: .created)
        }
    }

    static func mfaStatus(_ raw: String?) throws(HTTPError) -> MFAStatus? {
        guard let raw else { return nil }
        guard let status = MFAStatus(rawValue: raw) else {
            throw HTTPError.unprocessable(
                "mfaStatus must be one of \(MFAStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }

    static func boolean(_ raw: String?, name: String) throws(HTTPError) -> Bool? {
        switch raw {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw HTTPError.unprocessable("\(name) must be true or false.")
        }
    }
}
