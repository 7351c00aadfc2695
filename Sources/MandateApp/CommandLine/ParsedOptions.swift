import Foundation

/// Option values resolved from flags (which win), environment variables and defaults.
public struct ParsedOptions: Sendable {
    private var values: [String: String]
    /// Arguments that were not options, in order (e.g. a job id).
    public private(set) var positional: [String]
    private let specs: [String: OptionSpec]

    /// Parses `arguments` against `specs`; reads `MANDATE_*` variables from `environment`.
    public init(arguments: [String], specs: [OptionSpec], environment: [String: String]) throws(CommandLineError) {
        var bySpec: [String: OptionSpec] = [:]
        for spec in specs { bySpec[spec.name] = spec }
        self.specs = bySpec
        var values: [String: String] = [:]
        var positional: [String] = []
        for spec in specs {
            if let value = spec.defaultValue { values[spec.name] = value }
            if spec.hasEnvironmentVariable, let value = environment[spec.environmentVariable], !value.isEmpty {
                values[spec.name] = try Self.validate(value, spec: spec, source: spec.environmentVariable)
            }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = bySpec[name] else {
                let known = specs.map { "--" + $0.name }.sorted().joined(separator: ", ")
                throw CommandLineError(.usage, "unknown option '--\(name)'", hint: "Known options: \(known).")
            }
            let raw: String
            if case .flag = spec.kind {
                raw = inlineValue ?? "true"
            } else if let inlineValue {
                raw = inlineValue
            } else {
                guard index < arguments.count else {
                    throw CommandLineError(.usage, "option '--\(name)' needs a value")
                }
                raw = arguments[index]
                index += 1
            }
            values[name] = try Self.validate(raw, spec: spec, source: "--" + name)
        }
        self.values = values
        self.positional = positional
    }

    private static func validate(_ raw: String, spec: OptionSpec, source: String) throws(CommandLineError) -> String {
        switch spec.kind {
        case .string:
            return raw
        case .integer(let range):
            guard let number = Int(raw), range.contains(number) else {
                throw CommandLineError(
                    .usage,
                    "\(source) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(raw)'")
            }
            return String(number)
        case .flag:
            switch raw.lowercased() {
            case "1", "true", "yes", "on": return "true"
            case "0", "false", "no", "off": return "false"
            default: throw CommandLineError(.usage, "\(source) must be true or false, not '\(raw)'")
            }
        }
    }

    /// The value of a string option.
    public func string(_ name: String) -> String? { values[name] }

    /// The value of an integer option.
    public func integer(_ name: String) -> Int? { values[name].flatMap(Int.init) }

    /// Whether a flag is on.
    public func flag(_ name: String) -> Bool { values[name] == "true" }

    /// A comma-separated list option, trimmed, empty items dropped.
    public func list(_ name: String) -> [String] {
        (values[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// A required string option.
    public func require(_ name: String) throws(CommandLineError) -> String {
        guard let value = values[name], !value.isEmpty else {
            throw CommandLineError(.usage, "option '--\(name)' is required")
        }
        return value
    }
}
