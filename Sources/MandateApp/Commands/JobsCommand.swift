import Foundation
import Lifecycle
import MandateCore
import MandateJobs

/// `mandate jobs …`: look into the job queue and repair it (DESIGN.md §2, SECURITY.md "Webhooks":
/// dead-lettered jobs are visible, never silently dropped).
///
/// - `list [--state S] [--kind K] [--limit N]`: counts by state, then the newest jobs.
/// - `show ID [--reveal]`: one job with its last error and payload (SMS codes and email bodies
///   withheld).
/// - `retry ID`: put a dead job back in the queue.
/// - `purge-dead [--older-than-days N]`: delete old dead jobs.
/// - `endpoints`, `enable-endpoint NAME`: outbound webhook endpoints disabled by a 410.
enum JobsCommand {
    /// Every option of every subcommand (for `--help`); each subcommand accepts only its own.
    static let options: [OptionSpec] =
        [databaseOption, resourcesOption] + listOptions + [
            revealOption, olderThanDaysOption,
        ]

    static let subcommands = ["list", "show", "retry", "purge-dead", "endpoints", "enable-endpoint"]

    static let usage = """
        usage: mandate jobs list [--state queued|running|succeeded|dead] [--kind KIND] [--limit N]
               mandate jobs show ID [--reveal]
               mandate jobs retry ID
               mandate jobs purge-dead [--older-than-days N]
               mandate jobs endpoints
               mandate jobs enable-endpoint NAME
        """

    static let databaseOption = OptionSpec(
        "db", default: AppConfiguration.defaultDatabasePath, help: "SQLite database file, or a postgres:// URL.")
    static let resourcesOption = OptionSpec("resources", help: "Folder holding Fixtures/ and Templates/.")
    static let listOptions: [OptionSpec] = [
        OptionSpec(
            "state", environment: false, help: "list: only jobs in this state (queued, running, succeeded, dead)."),
        OptionSpec("kind", environment: false, help: "list: only jobs of this kind (e.g. sms.send)."),
        OptionSpec(
            "limit", kind: .integer(1...1000), default: "50", environment: false, help: "list: at most this many jobs."),
    ]
    static let revealOption = OptionSpec(
        "reveal", kind: .flag, environment: false, help: "show: print SMS codes and email bodies in payloads.")
    static let olderThanDaysOption = OptionSpec(
        "older-than-days", kind: .integer(0...36_500), default: "30", environment: false,
        help: "purge-dead: only jobs that died more than this many days ago.")

    /// Runs a subcommand, printing to standard output.
    static func run(_ arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        try await run(arguments, environment: environment) { print($0) }
    }

    /// Runs a subcommand, handing every line of output to `output` (tests capture it).
    static func run(
        _ arguments: [String], environment: [String: String], output: @escaping (String) -> Void
    ) async throws(CommandLineError) -> ExitCode {
        guard let subcommand = arguments.first, subcommands.contains(subcommand) else {
            let problem = arguments.first.map { "unknown jobs command '\($0)'" } ?? "missing jobs command"
            throw CommandLineError(.usage, "\(problem)\n\(usage)")
        }
        let specs: [OptionSpec]
        switch subcommand {
        case "list": specs = listOptions
        case "show": specs = [revealOption]
        case "purge-dead": specs = [olderThanDaysOption]
        default: specs = []
        }
        let options = try ParsedOptions(
            arguments: Array(arguments.dropFirst()), specs: [databaseOption, resourcesOption] + specs,
            environment: environment)
        let positional = options.positional
        let expectsArgument = ["show", "retry", "enable-endpoint"].contains(subcommand)
        guard positional.count == (expectsArgument ? 1 : 0) else {
            throw CommandLineError(
                .usage,
                positional.isEmpty
                    ? "'jobs \(subcommand)' needs an argument\n\(usage)"
                    : "unexpected argument '\(positional[expectsArgument ? 1 : 0])' for 'jobs \(subcommand)'")
        }
        let state = try listState(options, subcommand: subcommand)
        let jobID = expectsArgument && subcommand != "enable-endpoint" ? try parseJobID(positional[0]) : nil

        let application = try await Application.open(try commandConfiguration(options))
        defer { application.close() }
        let queue = JobQueue(database: application.database, clock: application.clock)
        let context = Context(queue: queue, application: application, output: output)
        switch subcommand {
        case "list":
            try await context.list(state: state, kind: options.string("kind"), limit: options.integer("limit") ?? 50)
        case "show":
            try await context.show(id: jobID ?? 0, reveal: options.flag("reveal"))
        case "retry":
            try await context.retry(id: jobID ?? 0)
        case "purge-dead":
            try await context.purgeDead(olderThanDays: options.integer("older-than-days") ?? 30)
        case "endpoints":
            try await context.endpoints()
        default:
            try await context.enableEndpoint(positional[0])
        }
        return .success
    }

    private static func listState(_ options: ParsedOptions, subcommand: String) throws(CommandLineError) -> JobState? {
        guard subcommand == "list", let name = options.string("state") else { return nil }
        guard let state = JobState(rawValue: name) else {
            let names = JobState.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandLineError(.usage, "--state must be one of \(names), not '\(name)'")
        }
        return state
    }

    private static func parseJobID(_ text: String) throws(CommandLineError) -> Int64 {
        guard let id = Int64(text), id > 0 else {
            throw CommandLineError(.usage, "a job id is a positive whole number, not '\(text)'")
        }
        return id
    }

    /// What the subcommands share once the application is open.
    struct Context {
        let queue: JobQueue
        let application: Application
        let output: (String) -> Void

        var now: Date { application.clock.now() }
    }
}
