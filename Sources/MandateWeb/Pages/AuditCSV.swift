import Foundation
import Lifecycle
import MandateCore

/// The audit log as CSV (RFC 4180): a header line, then one line per event, lines ended by CRLF,
/// a field quoted when it holds a comma, a quote, CR or LF (quotes doubled).
///
/// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or CR as a formula: such a
/// cell is prefixed with `'` (OWASP "CSV injection"), so a hostile value such as a user's name stays
/// text. Times are ISO 8601 in UTC.
struct AuditCSV {
    static let header = [
        "id", "occurred_at", "actor_type", "actor_id", "actor_label", "ip", "action", "action_name", "target_type",
        "target_id", "target_label", "outcome", "details",
    ]

    private(set) var text = ""
    private(set) var rowCount = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init() {
        append(Self.header)
    }

    mutating func append(_ event: AuditEvent) {
        let details = (try? encoder.encode(event.details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        append([
            String(event.id), Timestamp.iso8601(event.occurredAt), event.actor.kind.rawValue, event.actor.id ?? "",
            event.actor.label ?? "", event.actor.ipAddress ?? "", event.action,
            AuditActionNames.name(of: event.action) ?? "", event.targetType ?? "", event.targetID ?? "",
            event.targetLabel ?? "", event.outcome.rawValue, event.details.isEmpty ? "" : details,
        ])
        rowCount += 1
    }

    private mutating func append(_ fields: [String]) {
        text += fields.map(Self.field).joined(separator: ",")
        text += "\r\n"
    }

    /// One field: neutralized against formulas, then quoted if needed.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
