import Foundation

/// The `--help` texts.
enum HelpText {
    static let overview = """
        mandate — require MFA for your users, and make it stick.

        USAGE: mandate <command> [options]

        COMMANDS:
          serve      Run the HTTP API and dashboard (and the job workers).
          worker     Run only the job workers and scheduler (next to a serve).
          jobs       jobs list|show|retry|purge-dead|endpoints|enable-endpoint: inspect the job queue.
          migrate    Create or upgrade the database schema, then exit.
          tenant     tenant create: add an organization.
          user       user create: add a user to an organization.
          seed       Load the demo organizations of Fixtures/demo.json.
          billing    billing send-test-event: post a signed billing webhook to a server.
          help       Show this text. Every command also takes --help.

        OPTIONS:
          --version  Print the version.

        Every option can also be set with an environment variable: --event-loops is
        MANDATE_EVENT_LOOPS. Options given on the command line win.

        EXIT CODES:
          0 success · 1 failure · 64 bad usage · 65 bad input data · 69 port in use
          70 internal error · 73 database cannot be created or opened · 78 bad configuration
        """

    static var serve: String {
        "mandate serve — run the HTTP API.\n\nUSAGE: mandate serve [options]\n\nOPTIONS:\n"
            + describe(AppConfiguration.options)
    }

    static var worker: String {
        "mandate worker — deliver queued SMS and email and run scheduled sweeps.\n\nUSAGE: mandate worker [options]\n\n"
            + "Takes the options of serve; --host/--port only shape the dev outbox address.\n\nOPTIONS:\n"
            + describe(AppConfiguration.options)
    }

    static var migrate: String {
        "mandate migrate — create or upgrade the database schema.\n\nUSAGE: mandate migrate [--db FILE]\n\nOPTIONS:\n"
            + describe(MandateCommand.migrateOptions)
    }

    static func describe(_ options: [OptionSpec]) -> String {
        options.map { option in
            var line = "  --\(option.name)"
            if case .flag = option.kind {} else { line += " <value>" }
            line = line.padding(toLength: 28, withPad: " ", startingAt: 0) + option.help
            if let value = option.defaultValue { line += " (default: \(value))" }
            if option.hasEnvironmentVariable { line += " [\(option.environmentVariable)]" }
            return line
        }.joined(separator: "\n")
    }
}
