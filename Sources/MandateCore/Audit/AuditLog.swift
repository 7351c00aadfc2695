public import Foundation
import SQLite
import Storage

/// Appends audit events inside the caller's transaction (so an event exists exactly when its
/// change does) and reads them back with filters and keyset pagination.
public enum AuditLog {
    static func record(_ event: AuditEvent, on connection: Connection) throws {
        let details = String(decoding: try JSONEncoder.sorted.encode(event.details), as: UTF8.self)
        try connection.run(
            """
            INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor_id, actor_label, action, target_type,
                target_id, target_label, outcome, details, ip)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, event.tenantID, event.occurredAt, event.actor.kind.rawValue, event.actor.id, event.actor.label,
            event.action, event.targetType, event.targetID, event.targetLabel, event.outcome.rawValue, details,
            event.actor.ipAddress)
    }

    /// Filters for reading the log.
    public struct Query: Sendable {
        /// An action, or an action prefix such as `auth.` when it ends with a dot.
        public var action: String?
        /// Any action starting with this text (`auth.log` matches `auth.login.failed`). Actions are
        /// dotted lower-case words: text with other characters matches nothing.
        public var actionPrefix: String?
        public var actorID: String?
        public var targetID: String?
        public var outcome: AuditEvent.Outcome?
        public var since: Date?
        public var until: Date?
        /// Only events older than this id (the cursor of the previous page).
        public var beforeID: Int64?
        public var limit: Int = 50

        public init() {}
    }

    /// Newest first.
    static func events(tenantID: String, matching query: Query, on connection: Connection) throws -> [AuditEvent] {
        var sql = """
            SELECT id, tenant_id, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id,
                target_label, outcome, details, ip
            FROM audit_events WHERE tenant_id = :tenant
            """
        var parameters: [String: any SQLBindable] = [":tenant": tenantID, ":limit": max(1, min(query.limit, 500))]
        if let action = query.action {
            if action.hasSuffix(".") {
                sql += " AND action >= :action AND action < :actionEnd"
                parameters[":action"] = action
                parameters[":actionEnd"] = String(action.dropLast()) + "/"
            } else {
                sql += " AND action = :action"
                parameters[":action"] = action
            }
        }
        if let prefix = query.actionPrefix {
            // Every action character sorts below "~", so the range holds exactly the actions with the prefix.
            sql += " AND action >= :prefix AND action < :prefixEnd"
            parameters[":prefix"] = prefix
            parameters[":prefixEnd"] = prefix + "~"
        }
        if let actorID = query.actorID {
            sql += " AND actor_id = :actor"
            parameters[":actor"] = actorID
        }
        if let targetID = query.targetID {
            sql += " AND target_id = :target"
            parameters[":target"] = targetID
        }
        if let outcome = query.outcome {
            sql += " AND outcome = :outcome"
            parameters[":outcome"] = outcome.rawValue
        }
        if let since = query.since {
            sql += " AND occurred_at >= :since"
            parameters[":since"] = since
        }
        if let until = query.until {
            sql += " AND occurred_at < :until"
            parameters[":until"] = until
        }
        if let beforeID = query.beforeID {
            sql += " AND id < :before"
            parameters[":before"] = beforeID
        }
        sql += " ORDER BY id DESC LIMIT :limit"
        return try connection.query(sql, named: parameters).map(decode)
    }

    static func decode(_ row: Row) throws -> AuditEvent {
        let detailsText: String = try row.decode("details")
        let details = (try? JSONDecoder().decode([String: AuditValue].self, from: Data(detailsText.utf8))) ?? [:]
        return AuditEvent(
            id: try row.decode("id"), tenantID: try row.decode("tenant_id"), occurredAt: try row.decode("occurred_at"),
            actor: AuditActor(
                kind: AuditActor.Kind(rawValue: try row.decode("actor_type")) ?? .anonymous,
                id: try row.decode("actor_id"), label: try row.decode("actor_label"), ipAddress: try row.decode("ip")),
            action: try row.decode("action"), targetType: try row.decode("target_type"),
            targetID: try row.decode("target_id"), targetLabel: try row.decode("target_label"),
            outcome: AuditEvent.Outcome(rawValue: try row.decode("outcome")) ?? .success, details: details)
    }
}

extension JSONEncoder {
    /// Sorted keys, so stored JSON is stable and diffable.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
