import Foundation
import HTMLTemplates
import MandateCore

/// How an audit event reads on the page and in the CSV export: who, what, to what, and a short
/// summary of its details. Everything here is plain text; the template escapes it.
enum AuditEventView {
    /// The longest details summary a row shows (the CSV carries the whole JSON).
    static let summaryLength = 240

    /// One row of the audit log table.
    static func row(_ event: AuditEvent, dates: PageDates) -> TemplateValue {
        var row: [String: TemplateValue] = [
            "id": .string(String(event.id)),
            "time": .string(dates.dateTime(event.occurredAt)),
            "iso": .string(PageDates.iso8601(event.occurredAt)),
            "actor": .string(actor(event.actor)),
            "code": .string(event.action),
            "outcome": .string(event.outcome.rawValue),
            "failed": .bool(event.outcome != .success),
            "target": .string(target(event)),
            "details": .string(summary(event.details)),
        ]
        if let name = AuditActionNames.name(of: event.action) { row["name"] = .string(name) }
        if let ip = event.actor.ipAddress { row["ip"] = .string(ip) }
        return .object(row)
    }

    /// `ada@acme.test`, `API key "deploy"`, `System`, ….
    static func actor(_ actor: AuditActor) -> String {
        switch actor.kind {
        case .user: actor.label ?? actor.id ?? "A user"
        case .apiKey: "API key \"\(actor.label ?? actor.id ?? "?")\""
        case .system: "System"
        case .billing: "Billing"
        case .anonymous: actor.label.map { "Anonymous (\($0))" } ?? "Anonymous"
        }
    }

    /// The target's label (an email, a group name) with its kind, or `—`.
    static func target(_ event: AuditEvent) -> String {
        guard let label = event.targetLabel ?? event.targetID else { return "—" }
        guard let type = event.targetType else { return label }
        return "\(label) (\(type.replacingOccurrences(of: "_", with: " ")))"
    }

    /// `key: value; key: value`, sorted by key, cut to ``summaryLength`` characters.
    static func summary(_ details: [String: AuditValue]) -> String {
        guard !details.isEmpty else { return "" }
        let text = details.sorted { $0.key < $1.key }.map { key, value in "\(key): \(Self.text(value))" }
            .joined(separator: "; ")
        return text.count > summaryLength ? String(text.prefix(summaryLength - 1)) + "…" : text
    }

    private static func text(_ value: AuditValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .bool(let flag): flag ? "yes" : "no"
        case .strings(let texts): texts.joined(separator: ", ")
        case .null: "none"
        }
    }
}
