import Foundation

/// Writers for the Prometheus text exposition format 0.0.4.
enum PrometheusText {
    static func header(name: String, help: String, type: String, into out: inout String) {
        out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    static func sample(name: String, labels: [(String, String)], value: Double, into out: inout String) {
        out += name
        if !labels.isEmpty {
            out += "{"
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { out += "," }
                out += label + "=\"" + escapeLabelValue(labelValue) + "\""
            }
            out += "}"
        }
        out += " " + number(value) + "\n"
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func escapeLabelValue(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    private static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
