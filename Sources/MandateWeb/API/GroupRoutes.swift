import HTTPServer
import MandateCore

/// `/api/v1/groups` and their members.
struct GroupRoutes: Sendable {
    let services: APIServices

    struct GroupBody: Decodable {
        var name: String?
        var description: String?
    }

    struct MembersBody: Decodable {
        var userIds: [String]
    }

    func register(on group: RouterGroup<MandateContext>) {
        group.get("/groups") { [services] _, context in
            let groups = try await services.groups.list(try context.requirePrincipal())
            return .json(PageJSON(data: groups.map(GroupJSON.init), nextCursor: nil))
        }
        group.post("/groups") { [services] request, context in
            let body = try request.decodeAPI(GroupBody.self, allowedFields: ["name", "description"])
            guard let name = body.name else { throw HTTPError.unprocessable("Field 'name' is required.") }
            let created = try await services.groups.create(
                try context.requirePrincipal(), name: name, description: body.description ?? "",
                origin: request.origin)
            return .json(GroupJSON(created), status: .created)
        }
        group.get("/groups/:id") { [services] _, context in
            let found = try await services.groups.group(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"))
            return .json(GroupJSON(found))
        }
        group.patch("/groups/:id") { [services] request, context in
            let body = try request.decodeAPI(GroupBody.self, allowedFields: ["name", "description"])
            let updated = try await services.groups.update(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"), name: body.name,
                description: body.description, origin: request.origin)
            return .json(GroupJSON(updated))
        }
        group.delete("/groups/:id") { [services] request, context in
            try await services.groups.delete(
                try context.requirePrincipal(), id: try context.route.parameters.require("id"), origin: request.origin)
            return .noContent
        }
        group.get("/groups/:id/members") { [services] _, context in
            let members = try await services.groups.members(
                try context.requirePrincipal(), groupID: try context.route.parameters.require("id"))
            return .json(PageJSON(data: members.map(GroupMemberJSON.init), nextCursor: nil))
        }
        group.post("/groups/:id/members") { [services] request, context in
            let body = try request.decodeAPI(MembersBody.self, allowedFields: ["userIds"])
            let members = try await services.groups.addMembers(
                try context.requirePrincipal(), groupID: try context.route.parameters.require("id"),
                userIDs: body.userIds, origin: request.origin)
            return .json(PageJSON(data: members.map(GroupMemberJSON.init), nextCursor: nil))
        }
        group.delete("/groups/:id/members/:userId") { [services] request, context in
            try await services.groups.removeMember(
                try context.requirePrincipal(), groupID: try context.route.parameters.require("id"),
                userID: try context.route.parameters.require("userId"), origin: request.origin)
            return .noContent
        }
    }
}
