import Foundation
import HTTPServer
import MandateCore

/// The audit log page's filters as the GET form sends them (`action`, `actor`, `target`, `from`,
/// `to`), checked and turned into an ``AuditLog/Query``.
///
/// - `action`: a known action matches exactly; other text matches every action starting with it.
/// - `actor` and `target`: a user's email (looked up in the organization) or an id as the log
///   stores it (a user id, an API key id).
/// - `from` and `to`: days (`YYYY-MM-DD`) in the organization's time zone, both included.
struct AuditFilters: Sendable {
    var action = ""
    var actor = ""
    var target = ""
    var from = ""
    var to = ""

    /// The longest text a filter accepts.
    static let maximumLength = 200

    init(_ parameters: URLEncodedForm) {
        func value(_ name: String) -> String {
            String((parameters[name] ?? "").trimmingCharacters(in: .whitespaces).prefix(Self.maximumLength))
        }
        action = value("action").lowercased()
        actor = value("actor")
        target = value("target")
        from = value("from")
        to = value("to")
    }

    /// The filters in use, by name (for links, the export link and the export's audit event).
    var parameters: [(String, String)] {
        [("action", action), ("actor", actor), ("target", target), ("from", from), ("to", to)].filter {
            !$0.1.isEmpty
        }
    }

    var isEmpty: Bool { parameters.isEmpty }

    /// `?action=…&…` with `extra` appended (empty when there is nothing to add).
    func queryString(adding extra: [(String, String)] = []) -> String {
        let pairs = parameters + extra
        return pairs.isEmpty ? "" : "?" + URLEncodedForm.encode(pairs)
    }

    /// The query these filters describe. `resolveUser` turns an email into the user's id (nil when
    /// nobody in the organization has it).
    ///
    /// - Returns: nil when a filter names someone who is not in the organization (nothing can
    ///   match).
    /// - Throws: a validation ``CoreError`` with a sentence for the person (422).
    func query(timeZone identifier: String, resolveUser: (String) async throws(CoreError) -> String?)
        async throws(CoreError) -> AuditLog.Query?
    {
        var query = AuditLog.Query()
        if !action.isEmpty {
            guard action.allSatisfy(Self.isActionCharacter) else {
                throw CoreError.invalid(
                    "action",
                    "Choose an action from the list, or type the start of one such as \"auth.\" (letters, digits, dots and underscores)."
                )
            }
            if AuditActionNames.isKnown(action) {
                query.action = action
            } else {
                query.actionPrefix = action
            }
        }
        for (text, isActor) in [(actor, true), (target, false)] where !text.isEmpty {
            var id = text
            if text.contains("@") {
                guard let userID = try await resolveUser(text) else { return nil }
                id = userID
            }
            if isActor { query.actorID = id } else { query.targetID = id }
        }
        let timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC") ?? .current
        let since = try Self.day(from, field: "from", timeZone: timeZone)
        let untilDay = try Self.day(to, field: "to", timeZone: timeZone)
        if let since, let untilDay, since > untilDay {
            throw CoreError.invalid("from", "Choose a start date on or before the end date.")
        }
        query.since = since
        query.until = try untilDay.map { day throws(CoreError) -> Date in try Self.nextDay(after: day, timeZone) }
        return query
    }

    private static func isActionCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_")
    }

    /// The start of `text`'s day (`YYYY-MM-DD`) in `timeZone`.
    private static func day(_ text: String, field: String, timeZone: TimeZone) throws(CoreError) -> Date? {
        guard !text.isEmpty else { return nil }
        let formatter = DisplayDates.formatter("yyyy-MM-dd", timeZone)
        formatter.isLenient = false
        guard text.count == 10, let date = formatter.date(from: text) else {
            let name = field == "from" ? "start" : "end"
            throw CoreError.invalid(field, "Enter the \(name) date as YYYY-MM-DD, for example 2026-11-01.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: date)
    }

    /// The start of the day after `day` (a day may last 23 or 25 hours).
    private static func nextDay(after day: Date, _ timeZone: TimeZone) throws(CoreError) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let next = calendar.date(byAdding: .day, value: 1, to: day) else {
            throw CoreError.invalid("to", "Choose an earlier end date.")
        }
        return next
    }
}
