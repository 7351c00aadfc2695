import Foundation
import Lifecycle
import MandateCore

/// `mandate tenant create --slug acme --name "Acme" --plan business [--status trialing --trial-days 14]`.
enum TenantCommand {
    static let createOptions: [OptionSpec] = [
        OptionSpec(
            "db", default: AppConfiguration.defaultDatabasePath, help: "SQLite database file, or a postgres:// URL."),
        OptionSpec("resources", help: "Folder holding Fixtures/ and Templates/."),
        OptionSpec("slug", environment: false, help: "Handle people type at sign-in (lower case, e.g. acme)."),
        OptionSpec("name", environment: false, help: "Display name of the organization."),
        OptionSpec("plan", default: "free", environment: false, help: "Plan id from Fixtures/plans.json."),
        OptionSpec("status", default: "active", environment: false, help: "active, trialing, past_due or canceled."),
        OptionSpec(
            "trial-days", kind: .integer(1...365), environment: false, help: "Trial length when --status trialing."),
        OptionSpec("time-zone", default: "UTC", environment: false, help: "IANA time zone, e.g. Europe/Berlin."),
    ]

    static func run(_ arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        guard arguments.first == "create" else {
            throw CommandLineError(.usage, "usage: mandate tenant create --slug SLUG --name NAME [--plan PLAN]")
        }
        let options = try ParsedOptions(
            arguments: Array(arguments.dropFirst()), specs: createOptions, environment: environment)
        guard let status = SubscriptionStatus(rawValue: options.string("status") ?? "active") else {
            throw CommandLineError(.usage, "--status must be one of active, trialing, past_due, canceled")
        }
        let application = try await Application.open(try commandConfiguration(options))
        defer { application.close() }
        let tenant = try await mapped {
            try await TenantService(environment: application.environment).create(
                slug: try options.require("slug"), name: try options.require("name"),
                planID: options.string("plan") ?? "free", status: status, trialDays: options.integer("trial-days"),
                timeZone: options.string("time-zone") ?? "UTC")
        }
        print(
            "Created organization \(tenant.slug) (\(tenant.id)) on plan \(tenant.planID), \(tenant.subscriptionStatus.rawValue)."
        )
        return .success
    }
}

/// Configuration for one-shot commands: only the database and resources matter; logs stay quiet.
func commandConfiguration(_ options: ParsedOptions) throws(CommandLineError) -> AppConfiguration {
    var configuration = AppConfiguration()
    configuration.databasePath = options.string("db") ?? configuration.databasePath
    if let resources = options.string("resources") {
        configuration.resourcesDirectory = URL(fileURLWithPath: resources, isDirectory: true)
    }
    configuration.logLevel = .warning
    return configuration
}

/// Runs core work, turning its errors into command-line errors with fitting exit codes.
func mapped<T>(_ body: () async throws -> T) async throws(CommandLineError) -> T {
    do {
        return try await body()
    } catch let error as CommandLineError {
        throw error
    } catch let error as CoreError {
        switch error.reason {
        case .validation, .notFound: throw CommandLineError(.dataError, error.message)
        case .conflict: throw CommandLineError(.failure, error.message)
        default: throw CommandLineError(.software, error.message)
        }
    } catch {
        throw CommandLineError(.software, "\(error)")
    }
}
