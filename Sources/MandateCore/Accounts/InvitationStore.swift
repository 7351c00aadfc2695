import Foundation
import SQLite
import Storage

/// SQL for invitations.
enum InvitationStore {
    static let columns = "id, tenant_id, user_id, invited_by, created_at, expires_at, accepted_at, revoked_at"

    static func insert(_ invitation: Invitation, tokenHash: [UInt8], on connection: Connection) throws {
        try connection.run(
            "INSERT INTO invitations (\(columns), token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", invitation.id,
            invitation.tenantID, invitation.userID, invitation.invitedBy, invitation.createdAt, invitation.expiresAt,
            invitation.acceptedAt, invitation.revokedAt, tokenHash)
    }

    static func find(tokenHash: [UInt8], on connection: Connection) throws -> Invitation? {
        try connection.queryOne("SELECT \(columns) FROM invitations WHERE token_hash = ?", tokenHash).map(decode)
    }

    static func latest(userID: String, on connection: Connection) throws -> Invitation? {
        try connection.queryOne(
            "SELECT \(columns) FROM invitations WHERE user_id = ? ORDER BY created_at DESC LIMIT 1", userID
        ).map(decode)
    }

    static func markAccepted(id: String, at now: Date, on connection: Connection) throws {
        try connection.run("UPDATE invitations SET accepted_at = ? WHERE id = ?", now, id)
    }

    /// Revokes every open invitation of a user (a resend or a suspension makes old links useless).
    static func revokeOpen(userID: String, at now: Date, on connection: Connection) throws {
        try connection.run(
            "UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
            now, userID)
    }

    static func decode(_ row: Row) throws -> Invitation {
        Invitation(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), userID: try row.decode("user_id"),
            invitedBy: try row.decode("invited_by"), createdAt: try row.decode("created_at"),
            expiresAt: try row.decode("expires_at"), acceptedAt: try row.decode("accepted_at"),
            revokedAt: try row.decode("revoked_at"))
    }
}
