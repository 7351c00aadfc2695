import Crypto
import DatabaseTestSupport
import Foundation
import HTMLTemplates
import Lifecycle
import SQLite
import Storage
import Testing

@testable import MandateCore

/// A fresh, fully migrated database file with a manual clock and a core environment on it (the
/// real plan catalog and templates), plus shortcuts to insert tenants, users and sessions and to
/// read back sessions, audit events, notices and queued emails.
final class SweepFixture: Sendable {
    let scratch: ScratchDatabase
    let database: Database
    let clock: ManualClock
    let environment: CoreEnvironment

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let catalog: PlanCatalog = {
        do {
            return try PlanCatalog.load(from: repositoryRoot.appendingPathComponent("Fixtures/plans.json"))
        } catch {
            fatalError("Fixtures/plans.json: \(error)")
        }
    }()

    static let templates: TemplateLibrary = {
        do {
            return try TemplateLibrary(
                directory: repositoryRoot.appendingPathComponent("Templates").resolvingSymlinksInPath())
        } catch {
            fatalError("Templates/: \(error)")
        }
    }()

    init(start: Date) async throws {
        scratch = try ScratchDatabase(label: "sweep", template: .mandateSchema)
        database = try scratch.open(connections: 2)
        _ = try await Schema.migrator(for: database.dialect).migrate(database)
        clock = ManualClock(start)
        environment = Self.environment(database: database, clock: clock)
    }

    /// Another environment on the same clock, e.g. on a second `Database` of the same file (as a
    /// second process would have).
    static func environment(database: Database, clock: ManualClock) -> CoreEnvironment {
        CoreEnvironment(
            database: database, clock: clock, catalog: catalog,
            hasher: PasswordHasher(parameters: .testing, threads: 1), blocklist: PasswordBlocklist(entries: []),
            logger: Logger(label: "test", sink: CapturingLogSink(), clock: clock),
            publicBaseURL: "https://mandate.test", templates: templates)
    }

    /// A second connection set to the same file: what another process sees.
    func openSecondDatabase() throws -> Database {
        try scratch.open(connections: 1)
    }

    deinit {
        // Closing joins threads: do it off the cooperative pool, which parallel tests need.
        let database = self.database
        let hasher = environment.hasher
        let scratch = self.scratch
        Thread {
            hasher.shutdown()
            database.close()
            withExtendedLifetime(scratch) {}
        }.start()
    }

    func sweep() async throws -> EnforcementSweeper.Report {
        try await EnforcementSweeper(environment: environment).sweep()
    }

    // MARK: Building

    @discardableResult
    func addTenant(
        _ slug: String, plan: String = "enterprise", timeZone: String = "UTC",
        configure: (inout TenantSettings) -> Void = { _ in }
    ) async throws -> Tenant {
        var settings = TenantSettings()
        configure(&settings)
        let now = clock.now()
        let tenant = Tenant(
            id: "t-" + slug, slug: slug, name: slug.capitalized, planID: plan, subscriptionStatus: .active,
            trialEndsAt: nil, timeZone: timeZone, settings: settings, createdAt: now, updatedAt: now)
        try await database.write { connection in try TenantStore.insert(tenant, on: connection) }
        return tenant
    }

    /// Adds a user (active since `activatedAt`, default a day before now) and returns its id.
    @discardableResult
    func addUser(
        _ tenant: Tenant, _ name: String, status: UserStatus = .active, activatedAt: Date? = nil,
        enrolled: Bool = false, exempt: Bool = false, exemptUntil: Date? = nil
    ) async throws -> String {
        let now = clock.now()
        let user = User(
            id: tenant.id + "-" + name, tenantID: tenant.id, email: name + "@" + tenant.slug + ".test", name: name,
            role: .member, status: status,
            activatedAt: status == .invited ? nil : (activatedAt ?? now.addingTimeInterval(-86_400)), createdAt: now,
            updatedAt: now)
        try await database.write { connection in
            try UserStore.insert(user, on: connection)
            try connection.run(
                "UPDATE users SET mfa_enrolled = ?, mfa_exempt = ?, mfa_exempt_until = ? WHERE id = ?", enrolled,
                exempt || exemptUntil != nil, exemptUntil, user.id)
        }
        return user.id
    }

    /// Adds a session of `userID` and returns its id.
    @discardableResult
    func addSession(_ userID: String, tenant: Tenant, scope: SessionScope = .full) async throws -> String {
        let now = clock.now()
        let session = Session(
            id: UUID().uuidString, tenantID: tenant.id, userID: userID, kind: .browser, scope: scope, csrfToken: "csrf",
            createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(30 * 86_400), authenticatedAt: now,
            ipAddress: nil, userAgent: nil)
        let tokenHash = Array(UUID().uuidString.utf8)
        try await database.write { connection in
            try SessionStore.insert(session, tokenHash: tokenHash, on: connection)
        }
        return session.id
    }

    func run(_ sql: String) async throws {
        try await database.write { connection in try connection.execute(sql) }
    }

    // MARK: Reading

    func sessionIDs() async throws -> Set<String> {
        try await database.read { connection in
            Set(try connection.query("SELECT id FROM sessions").map { try $0.decode(0) as String })
        }
    }

    func auditEvents(_ action: String) async throws -> [AuditEvent] {
        try await database.read { connection in
            try connection.query(
                """
                SELECT id, tenant_id, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id,
                    target_label, outcome, details, ip
                FROM audit_events WHERE action = ? ORDER BY id
                """, action
            ).map(AuditLog.decode)
        }
    }

    struct Email: Sendable {
        var userID: String
        var subject: String
        var text: String
        var html: String
    }

    func emails() async throws -> [Email] {
        try await database.read { connection in
            try connection.query(
                """
                SELECT m.user_id, m.subject, j.payload FROM messages m JOIN jobs j ON j.id = m.job_id
                WHERE m.channel = 'email' ORDER BY j.id
                """
            ).map { row in
                let bytes: [UInt8] =
                    switch row[2] {
                    case .text(let text): Array(text.utf8)
                    case .blob(let blob): blob
                    default: []
                    }
                let data = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
                return Email(
                    userID: try row.decode(0), subject: try row.decode(1), text: data["text"] as? String ?? "",
                    html: data["html"] as? String ?? "")
            }
        }
    }

    /// `kind@deadline-in-ms` of every notice of `userID`, in claim order.
    func notices(_ userID: String) async throws -> [String] {
        try await database.read { connection in
            try connection.query(
                "SELECT kind, deadline FROM mfa_notices WHERE user_id = ? ORDER BY sent_at, kind", userID
            ).map { "\(try $0.decode(0) as String)@\(try $0.decode(1) as Int64)" }
        }
    }

    func userColumns(_ userID: String) async throws -> (exempt: Bool, exemptUntil: Date?) {
        try await database.read { connection in
            let row = try #require(
                try connection.queryOne("SELECT mfa_exempt, mfa_exempt_until FROM users WHERE id = ?", userID))
            return (try row.decode(0), try row.decode(1))
        }
    }
}

extension Date {
    /// A date from an ISO 8601 literal such as `2026-03-28T14:00:00Z` (tests only).
    static func iso(_ text: String) -> Date {
        guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad ISO date \(text)") }
        return date
    }
}
