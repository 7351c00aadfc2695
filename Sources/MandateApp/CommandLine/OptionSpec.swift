import Foundation

/// One command-line option, also settable through its `MANDATE_*` environment variable.
public struct OptionSpec: Sendable {
    public enum Kind: Sendable {
        case string
        case integer(ClosedRange<Int>)
        case flag
    }

    /// The long name without dashes, e.g. `db`.
    public var name: String
    public var kind: Kind
    public var help: String
    /// The value used when neither the flag nor the variable is given (shown in `--help`).
    public var defaultValue: String?
    /// Options that do not map to an environment variable set this to false.
    public var hasEnvironmentVariable: Bool

    public init(
        _ name: String, kind: Kind = .string, default defaultValue: String? = nil, environment: Bool = true,
        help: String
    ) {
        self.name = name
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.hasEnvironmentVariable = environment
    }

    /// `MANDATE_` + the name in upper snake case: `event-loops` → `MANDATE_EVENT_LOOPS`.
    public var environmentVariable: String {
        "MANDATE_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
