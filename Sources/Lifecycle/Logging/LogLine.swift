import Foundation

/// Renders one log line as a JSON object followed by a newline.
enum LogLine {
    static func render(time: Date, level: Logger.Level, label: String, message: String, metadata: [String: LogValue])
        -> String
    {
        var out = "{\"ts\":\""
        out.reserveCapacity(96 + message.utf8.count + metadata.count * 24)
        out += Timestamp.iso8601(time)
        out += "\",\"level\":\""
        out += level.description
        out += "\",\"label\":"
        JSONText.appendQuoted(label, to: &out)
        out += ",\"msg\":"
        JSONText.appendQuoted(message, to: &out)
        // Sorted so that lines are stable and diffable; the fixed keys come first.
        for key in metadata.keys.sorted() where key != "ts" && key != "level" && key != "label" && key != "msg" {
            out += ","
            JSONText.appendQuoted(key, to: &out)
            out += ":"
            switch metadata[key]! {
            case .string(let value): JSONText.appendQuoted(value, to: &out)
            case .int(let value): out += String(value)
            case .double(let value): out += value.isFinite ? String(value) : "null"
            case .bool(let value): out += value ? "true" : "false"
            }
        }
        out += "}\n"
        return out
    }
}
