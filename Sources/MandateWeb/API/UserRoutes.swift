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
    }

    struct UpdateBody: Decodable {
        var name: String?
        var role: Role?
        var status: UserStatus?
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
            let page = try await services.users.list(
                try context.requirePrincipal(), search: query["q"], status: status, role: role,
                cursor: query["cursor"], limit: try request.integerQuery("limit", default: 50, range: 1...200))
            return .json(PageJSON(data: page.users.map(UserJSON.init), nextCursor: page.nextCursor))
        }
        group.post("/users") { [services] request, context in
            let body = try request.decodeAPI(InviteBody.self, allowedFields: ["email", "name", "role"])
            let invited = try await services.users.invite(
                try context.requirePrincipal(), email: body.email, name: body.name ?? "", role: body.role ?? .member,
                origin: request.origin)
            return .json(InvitedJSON(invited: invited), status: .created)
        }
        group.get("/users/:id") { [services] _, context in
            let user = try await services.users.user(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"))
            return .json(UserJSON(user))
        }
        group.patch("/users/:id") { [services] request, context in
            let body = try request.decodeAPI(UpdateBody.self, allowedFields: ["name", "role", "status"])
            let user = try await services.users.update(
                try context.requirePrincipal(), userID: try context.route.parameters.require("id"),
                changes: UserService.Changes(name: body.name, role: body.role, status: body.status),
                origin: request.origin)
            return .json(UserJSON(user))
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
}
