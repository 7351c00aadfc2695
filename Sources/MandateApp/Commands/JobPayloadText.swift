import Foundation
import MandateCore

/// How `mandate jobs show` prints a job payload: pretty JSON, with secrets withheld unless the
/// operator asks for them with `--reveal`.
///
/// The payload of an `sms.send` job is the only clear copy of a one-time code (SECURITY.md
/// "One-time codes"), and the text and HTML of an `email.send` job may carry an invitation or
/// reset link that works like a password. Withholding them by default keeps them off terminals,
/// screen shares and pasted tickets; the recipient, subject and ids stay visible for debugging.
enum JobPayloadText {
    /// The payload fields withheld by default, per job kind.
    static let withheldFields: [String: [String]] = [
        JobKind.smsSend: ["body"],
        JobKind.emailSend: ["text", "html"],
    ]

    /// The marker that replaces a withheld field.
    static func redactedMarker(characters: Int) -> String {
        "[redacted: \(characters) characters; --reveal shows it]"
    }

    /// The payload for display: pretty-printed with sorted keys when it is JSON.
    static func render(kind: String, payload: String, reveal: Bool) -> String {
        let parsed = try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])
        guard let fields = withheldFields[kind], !reveal else {
            return parsed.flatMap(pretty) ?? payload
        }
        guard var object = parsed as? [String: Any] else {
            // Not the shape we write; it might still hold a secret somewhere, so show nothing.
            return "[a \(kind) payload of \(payload.utf8.count) bytes that is not a JSON object; --reveal shows it]"
        }
        for field in fields {
            if let value = object[field] {
                object[field] = redactedMarker(characters: (value as? String)?.count ?? 0)
            }
        }
        return pretty(object) ?? "[unprintable payload; --reveal shows it]"
    }

    /// Objects and arrays pretty-printed; nil for anything else (printed as stored).
    private static func pretty(_ value: Any) -> String? {
        guard value is [String: Any] || value is [Any], JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
