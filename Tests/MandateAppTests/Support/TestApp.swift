import Crypto
import DatabaseTestSupport
import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import MandateWeb
import SQLite
import Storage
import Synchronization

/// A whole Mandate application in-process: a fresh database (an SQLite file, or a PostgreSQL
/// database when `MANDATE_TEST_DATABASE` names a server), the real routes, a manual clock,
/// cheap (test-only) scrypt parameters, and requests sent straight to the router (no sockets).
final class TestApp: Sendable {
    let application: Application
    let responder: RouterResponder<MandateContext>
    let clock: ManualClock
    let directory: URL
    let scratch: ScratchDatabase
    let logs: CapturingLogSink

    var environment: CoreEnvironment { application.environment }
    var database: Database { application.database }

    /// The repository root (where Fixtures/ and Templates/ live).
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    init(passwordParameters: ScryptParameters = .testing, configure: (inout AppConfiguration) -> Void = { _ in })
        async throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mandate-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        scratch = try ScratchDatabase(label: "app", template: .mandateSchema)
        var configuration = AppConfiguration()
        configuration.databasePath = scratch.argument
        configuration.databasePoolSize = 2
        configuration.resourcesDirectory = Self.repositoryRoot
        configuration.logLevel = .debug
        configuration.databaseReaders = 2
        configuration.passwordHashThreads = 2
        configure(&configuration)
        clock = ManualClock()
        logs = CapturingLogSink()
        application = try await Application.open(
            configuration, clock: clock, logSink: logs, passwordParameters: passwordParameters)
        responder = application.makeResponder()
    }

    deinit {
        // Closing joins the database and hashing threads; do it off the cooperative pool, which
        // the other tests running in parallel need.
        let application = self.application
        let directory = self.directory
        let scratch = self.scratch
        Thread {
            application.close()
            withExtendedLifetime(scratch) {}
            try? FileManager.default.removeItem(at: directory)
        }.start()
    }

    // MARK: Requests

    struct Response: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object (empty when it is not one).
        var json: [String: any Sendable] {
            (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: any Sendable]) ?? [:]
        }

        /// `error.code` of an error envelope.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

        /// `data` of a page.
        var items: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
    }

    /// Sends a request to the router. `json` is encoded as the body with the JSON media type.
    func request(
        _ method: HTTPMethod, _ target: String, token: String? = nil, json: Any? = nil, body: [UInt8]? = nil,
        headers extra: [(String, String)] = [], clientAddress: String = "198.51.100.7"
    ) async -> Response {
        var headers = HTTPHeaders(extra)
        var bytes = body ?? []
        if let json {
            bytes = Array((try? JSONSerialization.data(withJSONObject: json)) ?? Data())
            headers.add(name: "Content-Type", value: "application/json")
        }
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = await responder.respond(
            to: HTTPRequest(
                method: method, target: target, headers: headers, body: bytes, clientAddress: clientAddress))
        return Response(status: response.status.code, headers: response.headers, body: response.body)
    }

    // MARK: Fixtures

    static let password = "correct horse battery staple"

    /// Creates a tenant with an owner (password `TestApp.password`) and returns both.
    @discardableResult
    func makeTenant(
        slug: String, plan: String = "enterprise", status: SubscriptionStatus = .active, trialDays: Int? = nil
    ) async throws -> (tenant: Tenant, owner: User) {
        let tenant = try await TenantService(environment: environment).create(
            slug: slug, name: slug.capitalized + " Inc", planID: plan, status: status, trialDays: trialDays)
        let owner = try await OperatorService(environment: environment).createUser(
            tenantSlug: slug, email: "owner@\(slug).test", name: "Owner", role: .owner, password: Self.password)
        return (tenant, owner)
    }

    /// Creates an active user with `TestApp.password`.
    @discardableResult
    func makeUser(tenant slug: String, email: String, role: Role = .member, name: String = "") async throws -> User {
        try await OperatorService(environment: environment).createUser(
            tenantSlug: slug, email: email, name: name, role: role, password: Self.password)
    }

    /// Signs in through the API and returns the bearer token.
    func login(_ slug: String, _ email: String, password: String = TestApp.password) async throws -> String {
        let response = await request(
            .post, "/api/v1/auth/login", json: ["tenant": slug, "email": email, "password": password])
        guard response.status == 200, let token = response.json["token"] as? String else {
            throw TestFailure("login of \(email) failed: \(response.status) \(response.text)")
        }
        return token
    }

    /// Runs SQL on a reader connection (inspecting state in tests).
    func query(_ sql: String, _ parameters: [any SQLBindable] = []) async throws -> [Row] {
        nonisolated(unsafe) let values = parameters
        return try await database.read { connection in try connection.query(sql, parameters: values) }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
