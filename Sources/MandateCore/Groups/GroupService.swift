import Foundation
import Lifecycle
import SQLite
import Storage

/// Creating groups and managing their members.
public struct GroupService: Sendable {
    private let environment: CoreEnvironment

    public init(environment: CoreEnvironment) {
        self.environment = environment
    }

    public func list(_ principal: Principal) async throws(CoreError) -> [Group] {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in try GroupStore.list(tenantID: tenantID, on: connection) }
    }

    /// The tenant's groups by name, for a filter or a picker: ids and names only (``list(_:)`` also
    /// counts every group's members, which reads each membership of a large tenant).
    public func choices(_ principal: Principal) async throws(CoreError) -> [GroupChoice] {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            try connection.query("SELECT id, name FROM user_groups WHERE tenant_id = ? ORDER BY name", tenantID).map {
                GroupChoice(id: try $0.decode(0), name: try $0.decode(1))
            }
        }
    }

    public func group(_ principal: Principal, id: String) async throws(CoreError) -> Group {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        guard
            let group = try await environment.read({ connection in
                try GroupStore.find(id: id, tenantID: tenantID, on: connection)
            })
        else { throw CoreError.notFound("The group") }
        return group
    }

    public func create(_ principal: Principal, name: String, description: String, origin: RequestOrigin)
        async throws(CoreError) -> Group
    {
        try principal.requireManageUsers()
        let cleanName = try Self.validateName(name)
        let cleanDescription = try Self.validateDescription(description)
        let now = environment.clock.now()
        let group = Group(
            id: Identifier.make("grp"), tenantID: principal.tenant.id, name: cleanName, description: cleanDescription,
            createdAt: now, updatedAt: now)
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        try await environment.write { connection in
            if try GroupStore.find(name: cleanName, tenantID: group.tenantID, on: connection) != nil {
                throw CoreError(.conflict, "A group named '\(cleanName)' already exists.")
            }
            try GroupStore.insert(group, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: group.tenantID, occurredAt: now, actor: actor, action: "group.created",
                    targetType: "group", targetID: group.id, targetLabel: group.name),
                on: connection)
        }
        return group
    }

    public func update(
        _ principal: Principal, id: String, name: String?, description: String?, origin: RequestOrigin
    ) async throws(CoreError) -> Group {
        try principal.requireManageUsers()
        let cleanName = try name.map { name throws(CoreError) -> String in try Self.validateName(name) }
        let cleanDescription = try description.map { text throws(CoreError) -> String in
            try Self.validateDescription(text)
        }
        let tenantID = principal.tenant.id
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            guard var group = try GroupStore.find(id: id, tenantID: tenantID, on: connection) else {
                throw CoreError.notFound("The group")
            }
            var details: [String: AuditValue] = [:]
            if let cleanName, cleanName != group.name {
                if try GroupStore.find(name: cleanName, tenantID: tenantID, on: connection) != nil {
                    throw CoreError(.conflict, "A group named '\(cleanName)' already exists.")
                }
                details["name"] = .strings([group.name, cleanName])
                group.name = cleanName
            }
            if let cleanDescription, cleanDescription != group.description {
                details["description"] = .strings([group.description, cleanDescription])
                group.description = cleanDescription
            }
            guard !details.isEmpty else { return group }
            group.updatedAt = now
            try GroupStore.update(group, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenantID, occurredAt: now, actor: actor, action: "group.updated", targetType: "group",
                    targetID: group.id, targetLabel: group.name, details: details),
                on: connection)
            return group
        }
    }

    public func delete(_ principal: Principal, id: String, origin: RequestOrigin) async throws(CoreError) {
        try principal.requireManageUsers()
        let tenantID = principal.tenant.id
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        try await environment.write { connection in
            guard let group = try GroupStore.find(id: id, tenantID: tenantID, on: connection) else {
                throw CoreError.notFound("The group")
            }
            try GroupStore.delete(id: id, tenantID: tenantID, on: connection)
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenantID, occurredAt: now, actor: actor, action: "group.deleted", targetType: "group",
                    targetID: group.id, targetLabel: group.name, details: ["memberCount": .int(group.memberCount)]),
                on: connection)
        }
    }

    public func members(_ principal: Principal, groupID: String) async throws(CoreError) -> [GroupMember] {
        try principal.requireViewOrganization()
        let tenantID = principal.tenant.id
        return try await environment.read { connection in
            guard try GroupStore.find(id: groupID, tenantID: tenantID, on: connection) != nil else {
                throw CoreError.notFound("The group")
            }
            return try GroupStore.members(groupID: groupID, tenantID: tenantID, on: connection)
        }
    }

    /// Adds users (all of this tenant, or nothing is changed). Existing members keep their date.
    public func addMembers(_ principal: Principal, groupID: String, userIDs: [String], origin: RequestOrigin)
        async throws(CoreError) -> [GroupMember]
    {
        try principal.requireManageUsers()
        guard !userIDs.isEmpty, userIDs.count <= 1000 else {
            throw CoreError.invalid("userIds", "Give between 1 and 1,000 user ids.")
        }
        let tenantID = principal.tenant.id
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        return try await environment.write { connection in
            guard let group = try GroupStore.find(id: groupID, tenantID: tenantID, on: connection) else {
                throw CoreError.notFound("The group")
            }
            var added: [String] = []
            for userID in Set(userIDs).sorted() {
                guard try UserStore.find(id: userID, tenantID: tenantID, on: connection) != nil else {
                    throw CoreError.invalid("userIds", "No user with id '\(userID.prefix(40))' in this organization.")
                }
                if try GroupStore.addMember(groupID: groupID, userID: userID, at: now, on: connection) {
                    added.append(userID)
                }
            }
            if !added.isEmpty {
                try AuditLog.record(
                    AuditEvent(
                        tenantID: tenantID, occurredAt: now, actor: actor, action: "group.members.added",
                        targetType: "group", targetID: group.id, targetLabel: group.name,
                        details: ["userIds": .strings(added)]),
                    on: connection)
            }
            return try GroupStore.members(groupID: groupID, tenantID: tenantID, on: connection)
        }
    }

    public func removeMember(_ principal: Principal, groupID: String, userID: String, origin: RequestOrigin)
        async throws(CoreError)
    {
        try principal.requireManageUsers()
        let tenantID = principal.tenant.id
        let now = environment.clock.now()
        let actor = principal.auditActor(ipAddress: origin.ipAddress)
        try await environment.write { connection in
            guard let group = try GroupStore.find(id: groupID, tenantID: tenantID, on: connection),
                try UserStore.find(id: userID, tenantID: tenantID, on: connection) != nil
            else { throw CoreError.notFound("The group or user") }
            guard try GroupStore.removeMember(groupID: groupID, userID: userID, on: connection) else {
                throw CoreError.notFound("The membership")
            }
            try AuditLog.record(
                AuditEvent(
                    tenantID: tenantID, occurredAt: now, actor: actor, action: "group.members.removed",
                    targetType: "group", targetID: group.id, targetLabel: group.name,
                    details: ["userIds": .strings([userID])]),
                on: connection)
        }
    }

    static func validateName(_ name: String) throws(CoreError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(trimmed.count),
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw CoreError.invalid("name", "Group names need 1 to 80 characters, without control characters.") }
        return trimmed
    }

    static func validateDescription(_ text: String) throws(CoreError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 500 else {
            throw CoreError.invalid("description", "Descriptions can be at most 500 characters.")
        }
        return trimmed
    }
}
