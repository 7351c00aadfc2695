import Foundation
import Glibc
import MandateCore

/// `mandate user create --tenant acme --email a@acme.example --role owner [--password-stdin]`.
enum UserCommand {
    static let createOptions: [OptionSpec] = [
        OptionSpec(
            "db", default: AppConfiguration.defaultDatabasePath, help: "SQLite database file, or a postgres:// URL."),
        OptionSpec("resources", help: "Folder holding Fixtures/ and Templates/."),
        OptionSpec("tenant", environment: false, help: "Organization handle."),
        OptionSpec("email", environment: false, help: "Email address (the sign-in name)."),
        OptionSpec("name", default: "", environment: false, help: "Display name."),
        OptionSpec("role", default: "member", environment: false, help: "owner, admin or member."),
        OptionSpec(
            "password-stdin", kind: .flag, environment: false,
            help: "Read the password from standard input (first line). Without it, a terminal prompts."),
        OptionSpec("invited", kind: .flag, environment: false, help: "Create the user without a password, as invited."),
    ]

    static func run(_ arguments: [String], environment: [String: String]) async throws(CommandLineError) -> ExitCode {
        guard arguments.first == "create" else {
            throw CommandLineError(.usage, "usage: mandate user create --tenant SLUG --email EMAIL [--role ROLE]")
        }
        let options = try ParsedOptions(
            arguments: Array(arguments.dropFirst()), specs: createOptions, environment: environment)
        guard let role = Role(rawValue: options.string("role") ?? "member") else {
            throw CommandLineError(.usage, "--role must be one of owner, admin, member")
        }
        let tenantSlug = try options.require("tenant")
        let email = try options.require("email")
        let password: String? =
            options.flag("invited") ? nil : try readPassword(fromStandardInput: options.flag("password-stdin"))
        let application = try await Application.open(try commandConfiguration(options))
        defer { application.close() }
        let user = try await mapped {
            try await OperatorService(environment: application.environment).createUser(
                tenantSlug: tenantSlug, email: email, name: options.string("name") ?? "", role: role, password: password
            )
        }
        print(
            "Created \(user.role.rawValue) \(user.email) (\(user.id)) in \(tenantSlug), status \(user.status.rawValue)."
        )
        return .success
    }

    /// Passwords never come from a flag: flags end up in shell history and `ps`.
    static func readPassword(fromStandardInput: Bool) throws(CommandLineError) -> String {
        if fromStandardInput {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CommandLineError(.usage, "--password-stdin was given but standard input had no password line")
            }
            return line
        }
        guard isatty(0) != 0 else {
            throw CommandLineError(
                .usage, "no password: pipe it with --password-stdin, or run in a terminal to be prompted",
                hint: "Or pass --invited to create the user without a password.")
        }
        let first = prompt("Password: ")
        let second = prompt("Repeat password: ")
        guard first == second else { throw CommandLineError(.usage, "the two passwords differ") }
        return first
    }

    /// Reads a line from the terminal without echoing it.
    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var original = termios()
        tcgetattr(0, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &silent)
        defer {
            tcsetattr(0, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
