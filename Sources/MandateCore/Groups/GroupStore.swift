import Foundation
import SQLite
import Storage

/// SQL for groups and memberships.
enum GroupStore {
    static let select = """
        SELECT g.id, g.tenant_id, g.name, g.description, g.created_at, g.updated_at,
            (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS member_count
        FROM user_groups g
        """

    static func insert(_ group: Group, on connection: Connection) throws {
        try connection.run(
            "INSERT INTO user_groups (id, tenant_id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            group.id, group.tenantID, group.name, group.description, group.createdAt, group.updatedAt)
    }

    static func find(id: String, tenantID: String, on connection: Connection) throws -> Group? {
        try connection.queryOne(select + " WHERE g.id = ? AND g.tenant_id = ?", id, tenantID).map(decode)
    }

    static func find(name: String, tenantID: String, on connection: Connection) throws -> Group? {
        try connection.queryOne(select + " WHERE g.name = ? AND g.tenant_id = ?", name, tenantID).map(decode)
    }

    static func list(tenantID: String, on connection: Connection) throws -> [Group] {
        try connection.query(select + " WHERE g.tenant_id = ? ORDER BY g.name", tenantID).map(decode)
    }

    static func update(_ group: Group, on connection: Connection) throws {
        try connection.run(
            "UPDATE user_groups SET name = ?, description = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
            group.name, group.description, group.updatedAt, group.id, group.tenantID)
    }

    static func delete(id: String, tenantID: String, on connection: Connection) throws {
        try connection.run("DELETE FROM user_groups WHERE id = ? AND tenant_id = ?", id, tenantID)
    }

    /// Adds a member; an existing membership keeps its original `added_at`. True when added now.
    static func addMember(groupID: String, userID: String, at now: Date, on connection: Connection) throws -> Bool {
        try connection.run(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", groupID,
            userID, now) == 1
    }

    static func removeMember(groupID: String, userID: String, on connection: Connection) throws -> Bool {
        try connection.run("DELETE FROM group_members WHERE group_id = ? AND user_id = ?", groupID, userID) == 1
    }

    static func members(groupID: String, tenantID: String, on connection: Connection) throws -> [GroupMember] {
        try connection.query(membersSQL, groupID, tenantID).map { row in
            GroupMember(user: try UserStore.decode(row), addedAt: try row.decode(UserStore.columnCount))
        }
    }

    private static let membersSQL = """
        SELECT \(SQLColumns.qualified("u", UserStore.columns)), m.added_at
        FROM group_members m JOIN users u ON u.id = m.user_id
        WHERE m.group_id = ? AND u.tenant_id = ? ORDER BY u.email
        """

    static func decode(_ row: Row) throws -> Group {
        Group(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), name: try row.decode("name"),
            description: try row.decode("description"), memberCount: try row.decode("member_count"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
