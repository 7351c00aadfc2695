import Crypto
import Foundation
import HTTPServer
import Lifecycle
import MandateApp
import MandateCore
import SQLite
import Storage

/// `GET /admin/users` of the 100,000-user tenant of the `enforcement` benchmark, rendered
/// server-side: each request goes through the whole application (router, session cookie
/// authentication, CSRF token, listing query, groups, template and layout) in-process, handed to
/// the router without a socket, as the test suite does. Target: ≤ 50 ms per page.
///
/// Options: `--rounds N` (default 60) timed requests per page after one warm-up; `--keep` keeps the
/// database file and prints its path; `--db PATH` reuses a kept one.
enum UsersPageBenchmark {
    static let password = "correct horse battery staple"
    static let adminEmail = "bench.admin@example.com"

    static func run(_ arguments: [String]) async throws {
        let rounds = max(1, Int(option("--rounds", in: arguments) ?? "") ?? 60)
        let keep = arguments.contains("--keep")
        let clock = ManualClock(Date(timeIntervalSince1970: 1_772_366_400))  // 2026-03-01T12:00:00Z
        let data = EnforcementBenchData(now: clock.now().millisecondsSince1970, large: false)
        print(
            "# GET /admin/users, 100,000-user tenant, in-process through the router, \(rounds) rounds; "
                + MachineInfo.summary)
        let reused = option("--db", in: arguments)
        let directory = NSTemporaryDirectory() + "mandate-bench-users-page-" + UUID().uuidString
        let path = reused ?? directory + "/users-page.sqlite"
        if reused == nil {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let database = try Database(path: path, readerCount: 1)
            _ = try await Schema.migrator(for: database.dialect).migrate(database)
            let start = ContinuousClock.now
            try await data.generate(into: database)
            print("generated in \(EnforcementBenchmark.format(ContinuousClock.now - start))")
            database.close()
        }
        var configuration = AppConfiguration()
        configuration.databasePath = path
        configuration.resourcesDirectory = repositoryRoot
        configuration.logLevel = .error
        configuration.passwordHashThreads = 1
        let application = try await Application.open(configuration, clock: clock, passwordParameters: .testing)
        defer {
            application.close()
            if keep || reused != nil {
                print("database kept at \(path)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        let browser = BenchBrowser(responder: application.makeResponder())
        try await signIn(application, browser: browser, fresh: reused == nil)

        // The biggest group of the generated tenant (`EnforcementBenchData` names them so).
        let group = "ten_bench_big_grp0"
        let pages: [(String, String, Int?)] = [
            ("first page (50), no filter", "/admin/users", 50),
            ("first page (50), mfaStatus=setup_required", "/admin/users?mfaStatus=setup_required", 50),
            ("first page (50), mfaStatus=enrolled, required=yes", "/admin/users?mfaStatus=enrolled&required=yes", 50),
            ("first page (50), group 0", "/admin/users?group=\(group)", 50),
            ("search matching one person (q=.4242@)", "/admin/users?q=.4242%40", 1),
            ("search matching many (q=ab)", "/admin/users?q=ab", 50),
        ]
        var rows: [[String]] = []
        for (label, target, expected) in pages {
            let times = try await measure(rounds, browser: browser, target: target, expectedRows: expected)
            rows.append(row(label, times, target: 50))
        }
        // The second page follows the cursor of the first.
        let first = try await browser.get("/admin/users")
        guard let next = BenchBrowser.attribute("href", ofTagContaining: "rel=\"next\"", in: first.text) else {
            throw EnforcementBenchmark.BenchFailure("no next page link")
        }
        rows.append(
            row("second page (50), no filter", try await measure(rounds, browser: browser, target: next), target: 50))
        let countRounds = max(5, rounds / 5)
        rows.append(
            row(
                "with the count asked for (count=1), \(countRounds) rounds",
                try await measure(countRounds, browser: browser, target: "/admin/users?count=1"), target: nil))
        // For comparison: the overview (counts per status and 30 days of enrollment progress).
        rows.append(
            row(
                "GET /admin (overview), \(countRounds) rounds",
                try await measure(countRounds, browser: browser, target: "/admin"), target: nil))
        print("metric".padding(toLength: 52, withPad: " ", startingAt: 0) + "  median      p95        max      target")
        for row in rows { print(row[0].padding(toLength: 52, withPad: " ", startingAt: 0) + "  " + row[1]) }
    }

    /// Times `rounds` GETs of `target` after one warm-up, checking each answer.
    static func measure(_ rounds: Int, browser: BenchBrowser, target: String, expectedRows: Int? = nil)
        async throws -> [Double]
    {
        func check(_ response: BenchBrowser.Response) throws {
            guard response.status == 200 else {
                throw EnforcementBenchmark.BenchFailure("\(target): \(response.status)")
            }
            let count = response.text.components(separatedBy: "name=\"userIds\"").count - 1
            if let expectedRows, count != expectedRows {
                throw EnforcementBenchmark.BenchFailure("\(target): \(count) rows instead of \(expectedRows)")
            }
        }
        try check(try await browser.get(target))
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let response = try await browser.get(target)
            times.append(EnforcementBenchmark.milliseconds(ContinuousClock.now - start))
            try check(response)
        }
        return times.sorted()
    }

    static func row(_ label: String, _ sorted: [Double], target: Double?) -> [String] {
        let median = sorted[sorted.count / 2]
        let p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
        let result = target.map { p95 <= $0 ? "≤ \(Int($0)) ms pass" : "≤ \(Int($0)) ms FAIL" } ?? "info"
        func ms(_ value: Double) -> String { String(format: "%7.2f ms", value) }
        return [label, "\(ms(median))  \(ms(p95))  \(ms(sorted.last ?? 0))  \(result)"]
    }

    /// Adds an admin with a password to the big tenant (exempt, so the organization's requirement
    /// sends them through no setup) and signs in through the sign-in page.
    static func signIn(_ application: Application, browser: BenchBrowser, fresh: Bool) async throws {
        let environment = application.environment
        if fresh {
            let user = try await OperatorService(environment: environment).createUser(
                tenantSlug: "bench-big", email: adminEmail, name: "Bench Admin", role: .admin, password: password)
            guard let tenant = try await TenantService(environment: environment).tenant(slug: "bench-big") else {
                throw EnforcementBenchmark.BenchFailure("the generated tenant is missing")
            }
            let operatorPrincipal = Principal(
                tenant: tenant, user: nil, credential: .apiKey(id: "key_bench", name: "bench"))
            _ = try await EnforcementService(environment: environment).update(
                operatorPrincipal, userID: user.id, changes: .init(exempt: true), origin: .commandLine)
        }
        let page = try await browser.get("/sign-in")
        guard let token = BenchBrowser.attribute("value", ofTagContaining: "name=\"csrf\"", in: page.text) else {
            throw EnforcementBenchmark.BenchFailure("no CSRF token on the sign-in page")
        }
        let answer = try await browser.post(
            "/sign-in",
            [("csrf", token), ("organization", "bench-big"), ("email", adminEmail), ("password", password)])
        guard answer.status == 303, answer.headers["Location"] == "/account" else {
            throw EnforcementBenchmark.BenchFailure("sign-in: \(answer.status) \(answer.headers["Location"] ?? "")")
        }
    }

    /// The checkout this binary was built from (Templates/ and Fixtures/).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
