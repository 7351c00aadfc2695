import Foundation
import Lifecycle
import MandateCore
import SQLite
import Storage

/// The `mandate` command line: subcommands as in DESIGN.md §2.
public enum MandateCommand {
    public static let version = "0.1.0"

    /// Runs the command and returns the exit code; errors are printed for a person to read.
    public static func main(arguments: [String], environment: [String: String]) async -> ExitCode {
        do {
            return try await run(arguments: arguments, environment: environment)
        } catch {
            var message = "mandate: error: \(error.message)\n"
            if let hint = error.hint { message += "  \(hint)\n" }
            FileHandle.standardError.write(Data(message.utf8))
            return error.exitCode
        }
    }

    static func run(arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        guard let command = arguments.first else {
            print(HelpText.overview)
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "--help", "-h", "help":
            print(HelpText.overview)
            return .success
        case "--version", "-V", "version":
            print("mandate \(version)")
            return .success
        case "serve":
            if rest.contains("--help") { return help(HelpText.serve) }
            let options = try ParsedOptions(arguments: rest, specs: AppConfiguration.options, environment: environment)
            try rejectPositional(options, command: command)
            let configuration = try AppConfiguration(options: options)
            let application = try await Application.open(configuration)
            if configuration.demo {
                try await seedDemoIfEmpty(application)
            }
            try await application.serve()
            return .success
        case "worker":
            if rest.contains("--help") { return help(HelpText.worker) }
            let options = try ParsedOptions(arguments: rest, specs: AppConfiguration.options, environment: environment)
            try rejectPositional(options, command: command)
            let application = try await Application.open(try AppConfiguration(options: options))
            try await application.work()
            return .success
        case "jobs":
            if rest.contains("--help") { return help(HelpText.jobs) }
            return try await JobsCommand.run(rest, environment: environment)
        case "billing":
            if rest.contains("--help") { return help(HelpText.billing) }
            return try await BillingCommand.run(rest, environment: environment)
        case "tenant":
            if rest.contains("--help") { return help(HelpText.describe(TenantCommand.createOptions)) }
            return try await TenantCommand.run(rest, environment: environment)
        case "user":
            if rest.contains("--help") { return help(HelpText.describe(UserCommand.createOptions)) }
            return try await UserCommand.run(rest, environment: environment)
        case "seed":
            if rest.contains("--help") { return help(HelpText.describe(SeedCommand.options)) }
            return try await SeedCommand.run(rest, environment: environment)
        case "migrate":
            if rest.contains("--help") { return help(HelpText.migrate) }
            let options = try ParsedOptions(arguments: rest, specs: migrateOptions, environment: environment)
            try rejectPositional(options, command: command)
            return try await migrate(options)
        default:
            throw CommandLineError(.usage, "unknown command '\(command)'", hint: "Run 'mandate --help' for the list.")
        }
    }

    /// `serve --demo` seeds an empty database and always prints the demo sign-in details.
    static func seedDemoIfEmpty(_ application: Application) async throws(CommandLineError) {
        let seeder = DemoSeeder(environment: application.environment)
        let empty = try await mapped { try await seeder.databaseIsEmpty() }
        let report =
            empty ? try await SeedCommand.seed(application) : DemoSeeder.Report(created: [], skipped: [])
        FileHandle.standardOutput.write(
            Data(DemoBanner.text(report: report, data: try SeedCommand.demoData(application.configuration)).utf8))
    }

    static let migrateOptions = [
        OptionSpec(
            "db", default: AppConfiguration.defaultDatabasePath, help: "SQLite database file, or a postgres:// URL.")
    ]

    static func migrate(_ options: ParsedOptions) async throws(CommandLineError) -> ExitCode {
        var configuration = AppConfiguration()
        configuration.databasePath = options.string("db") ?? configuration.databasePath
        let database = try Application.openDatabase(configuration)
        defer { database.close() }
        do {
            let applied = try await Schema.migrator(for: database.dialect).migrate(database)
            let total = Schema.migrations(for: database.dialect).count
            if applied.isEmpty {
                print("The database at \(configuration.databaseLocation) is up to date (\(total) migrations).")
            } else {
                for (index, id) in applied.enumerated() { print("[\(index + 1)/\(applied.count)] applied \(id)") }
                print("The database at \(configuration.databaseLocation) is up to date (\(total) migrations).")
            }
            return .success
        } catch {
            throw CommandLineError(.cannotCreate, "migration failed: \(StorageError.operatorMessage(error))")
        }
    }

    private static func rejectPositional(_ options: ParsedOptions, command: String) throws(CommandLineError) {
        if let extra = options.positional.first {
            throw CommandLineError(.usage, "unexpected argument '\(extra)' for '\(command)'")
        }
    }

    private static func help(_ text: String) -> ExitCode {
        print(text)
        return .success
    }
}
