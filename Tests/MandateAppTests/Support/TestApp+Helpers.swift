import Foundation
import HTTPServer
import Lifecycle
import MandateCore
import SQLite
import Storage

/// Shortcuts shared by the account, session and isolation suites.
extension TestApp {
    /// The origin every core-level call in the tests uses.
    static let origin = RequestOrigin(ipAddress: "198.51.100.7", userAgent: "mandate-tests")

    /// The principal of a session token or API key, as the API would see it.
    func principal(_ token: String) async throws -> Principal {
        try await Authenticator(environment: environment).authenticate(token: token, origin: Self.origin)
    }

    /// Sends a sign-in request and returns the raw response.
    func loginResponse(_ slug: String, _ email: String, password: String = TestApp.password) async -> Response {
        await request(.post, "/api/v1/auth/login", json: ["tenant": slug, "email": email, "password": password])
    }

    /// Changes organization settings through the API (expects success).
    func updateSettings(_ token: String, _ changes: [String: Any]) async throws {
        let response = await request(.patch, "/api/v1/organization/settings", token: token, json: changes)
        guard response.status == 200 else {
            throw TestFailure("settings \(changes) refused: \(response.status) \(response.text)")
        }
    }

    /// Invites a user through the core service and returns the link token (the API never shows it).
    func invite(_ adminToken: String, email: String, role: Role = .member, name: String = "") async throws
        -> UserService.Invited
    {
        try await UserService(environment: environment).invite(
            try await principal(adminToken), email: email, name: name, role: role, origin: Self.origin)
    }

    /// One column of a user's row.
    func userColumn<T: SQLDecodable>(_ column: String, of userID: String, as type: T.Type = T.self) async throws -> T {
        guard let row = try await query("SELECT \(column) FROM users WHERE id = ?", [userID]).first else {
            throw TestFailure("no user \(userID)")
        }
        return try row.decode(column, as: T.self)
    }

    func failedAttempts(_ userID: String) async throws -> Int {
        try await userColumn("failed_attempts", of: userID)
    }

    func lockedUntil(_ userID: String) async throws -> Date? {
        try await userColumn("locked_until", of: userID)
    }

    func passwordHash(_ userID: String) async throws -> String? {
        try await userColumn("password_hash", of: userID)
    }

    func sessionCount(userID: String) async throws -> Int {
        try await query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", [userID]).first?.decode("n") ?? 0
    }

    /// Audit events of a tenant with `action`, straight from the table.
    func auditCount(tenantID: String, action: String) async throws -> Int {
        try await query(
            "SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ? AND action = ?", [tenantID, action]
        ).first?.decode("n") ?? 0
    }

    /// `GET /api/v1/audit-events?…` as the given caller; the page's events.
    func auditEvents(_ token: String, _ parameters: [String: String] = [:]) async throws -> [[String: Any]] {
        let response = await request(.get, "/api/v1/audit-events" + Self.queryString(parameters), token: token)
        guard response.status == 200 else {
            throw TestFailure("audit-events \(parameters): \(response.status) \(response.text)")
        }
        return response.items
    }

    /// `?a=b&c=d` with every value percent-encoded (empty for no parameters).
    static func queryString(_ parameters: [String: String]) -> String {
        guard !parameters.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?"
            + parameters.sorted { $0.key < $1.key }.map { key, value in
                key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
            }
            .joined(separator: "&")
    }

    /// SQL for the member `key` of the JSON object in `column` (text; a whole number with
    /// `integer`), on the engine of the test.
    func jsonField(_ column: String, _ key: String, integer: Bool = false) -> String {
        switch database.dialect {
        case .sqlite: "json_extract(\(column), '$.\(key)')"
        case .postgres:
            integer
                ? "CAST(CAST(\(column) AS json) ->> '\(key)' AS BIGINT)" : "(CAST(\(column) AS json) ->> '\(key)')"
        }
    }

    /// Every audit event's details, joined (to search for text that must not be there).
    func allAuditDetails() async throws -> String {
        try await query("SELECT \(database.dialect.groupConcat("details")) AS d FROM audit_events").first?
            .decode("d", as: String?.self) ?? ""
    }

    /// A clock reading formatted as the API's RFC 3339 times.
    func timestamp(_ date: Date) -> String { Timestamp.iso8601(date) }
}

extension TestApp.Response {
    /// A string member of the top-level JSON object.
    func string(_ key: String) -> String? { json[key] as? String }

    /// A nested object member of the top-level JSON object.
    func object(_ key: String) -> [String: Any]? { json[key] as? [String: Any] }

    /// `error.message` of an error envelope.
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }

    /// `error.field` of a validation error.
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
}
