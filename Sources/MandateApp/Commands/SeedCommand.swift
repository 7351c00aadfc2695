import Foundation
import MandateCore

/// `mandate seed`: loads the demo organizations of `Fixtures/demo.json`.
enum SeedCommand {
    static let options: [OptionSpec] = [
        OptionSpec(
            "db", default: AppConfiguration.defaultDatabasePath, help: "SQLite database file, or a postgres:// URL."),
        OptionSpec("resources", help: "Folder holding Fixtures/ and Templates/."),
    ]

    static func run(_ arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        let parsed = try ParsedOptions(arguments: arguments, specs: options, environment: environment)
        let configuration = try commandConfiguration(parsed)
        let application = try await Application.open(configuration)
        defer { application.close() }
        let report = try await seed(application)
        print(DemoBanner.text(report: report, data: try demoData(configuration)))
        return .success
    }

    static func demoData(_ configuration: AppConfiguration) throws(CommandLineError) -> DemoData {
        do {
            return try DemoData.load(from: configuration.fixturesDirectory.appendingPathComponent("demo.json"))
        } catch {
            throw CommandLineError(.dataError, error.message)
        }
    }

    static func seed(_ application: Application) async throws(CommandLineError) -> DemoSeeder.Report {
        let data = try demoData(application.configuration)
        let bar = ProgressBar(title: "Seeding demo data")
        return try await mapped {
            try await DemoSeeder(environment: application.environment).seed(data) { done, total, label in
                bar.update(done, of: total, label)
            }
        }
    }
}

/// The sign-in details printed when demo data is loaded.
enum DemoBanner {
    static func text(report: DemoSeeder.Report, data: DemoData) -> String {
        var lines = ["", "Demo organizations (sign in with organization, email and password):"]
        for organization in data.organizations {
            let state = report.created.contains(organization.slug) ? "" : " (already there)"
            let plan = organization.plan + (organization.status == "trialing" ? ", trial" : "")
            lines.append(
                "  \(organization.slug.padding(toLength: 9, withPad: " ", startingAt: 0)) \(("[" + plan + "]").padding(toLength: 20, withPad: " ", startingAt: 0)) owner@\(organization.slug).example / \(data.passwords.owner)\(state)"
            )
        }
        lines.append(
            "  Admins: admin@<org>.example / \(data.passwords.admin); members: <name>@<org>.example / \(data.passwords.member)"
        )
        lines.append(
            "Billing webhooks (POST /webhooks/billing) accept the demo secret \(BillingWebhook.demoSecret);"
                + " try: mandate billing send-test-event --tenant acme --plan free")
        return lines.joined(separator: "\n") + "\n"
    }
}
