import Foundation
import HTTPServer
import MandateCore

/// The filters and position of the people list (`GET /admin/users`), read from a query string or
/// from the hidden fields of the bulk form, and written back into links.
///
/// Only values that parsed are ever written back (never the raw query), so a link built here
/// always leads to `/admin/users` with filters the page understands.
struct UsersPageQuery: Sendable, Equatable {
    static let defaultLimit = 50
    static let limits = 1...200
    /// Longer searches are cut: no email or name is longer.
    static let maxSearchLength = 200

    var search: String?
    var mfaStatus: MFAStatus?
    /// true: only people a requirement applies to; false: only people none applies to.
    var required: Bool?
    var groupID: String?
    var role: Role?
    var limit = Self.defaultLimit
    /// The service's opaque cursor (nil: the first page).
    var cursor: String?
    /// `select=all`: every checkbox of the page starts checked (select all without JavaScript).
    var selectsAll = false

    /// The filter the services take.
    var filter: UserFilter {
        UserFilter(search: search, role: role, mfaStatus: mfaStatus, required: required, groupID: groupID)
    }

    var isFiltered: Bool {
        search != nil || mfaStatus != nil || required != nil || groupID != nil || role != nil
    }

    /// Reads `parameters`; a value the page does not offer becomes a message (and is left out of
    /// the query), so the page can say what was wrong and still list.
    static func parse(_ parameters: URLEncodedForm, groupIDs: Set<String>) -> (Self, [String]) {
        var query = Self()
        var errors: [String] = []
        if let raw = parameters["q"]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty {
            query.search = String(raw.prefix(maxSearchLength))
        }
        if let raw = nonEmpty(parameters["mfaStatus"]) {
            if let status = MFAStatus(rawValue: raw) {
                query.mfaStatus = status
            } else {
                errors.append("Choose one of the MFA statuses in the list.")
            }
        }
        switch nonEmpty(parameters["required"]) {
        case nil: break
        case "yes": query.required = true
        case "no": query.required = false
        default: errors.append("Choose whether MFA is required: any, yes or no.")
        }
        if let raw = nonEmpty(parameters["group"]) {
            if groupIDs.contains(raw) {
                query.groupID = raw
            } else {
                errors.append("Choose one of your organization's groups.")
            }
        }
        if let raw = nonEmpty(parameters["role"]) {
            if let role = Role(rawValue: raw) {
                query.role = role
            } else {
                errors.append("Choose a role in the list: owner, admin or member.")
            }
        }
        if let raw = nonEmpty(parameters["limit"]) {
            if let limit = Int(raw), limits.contains(limit) {
                query.limit = limit
            } else {
                errors.append("Show from \(limits.lowerBound) to \(limits.upperBound) people per page.")
            }
        }
        query.cursor = nonEmpty(parameters["cursor"]).map { String($0.prefix(512)) }
        query.selectsAll = parameters["select"] == "all"
        return (query, errors)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The filters as `name=value` pairs (the cursor and the selection left out).
    var filterPairs: [(String, String)] {
        var pairs: [(String, String)] = []
        if let search { pairs.append(("q", search)) }
        if let mfaStatus { pairs.append(("mfaStatus", mfaStatus.rawValue)) }
        if let required { pairs.append(("required", required ? "yes" : "no")) }
        if let groupID { pairs.append(("group", groupID)) }
        if let role { pairs.append(("role", role.rawValue)) }
        if limit != Self.defaultLimit { pairs.append(("limit", String(limit))) }
        return pairs
    }

    /// `/admin/users` with the filters, and optionally a cursor and extra pairs.
    func path(cursor: String? = nil, extra: [(String, String)] = []) -> String {
        var pairs = filterPairs
        if let cursor { pairs.append(("cursor", cursor)) }
        pairs += extra
        return pairs.isEmpty ? UsersPages.path : UsersPages.path + "?" + URLEncodedForm.encode(pairs)
    }

    /// This very page (filters and cursor): where the bulk form comes back to.
    var currentPath: String { path(cursor: cursor) }
}
