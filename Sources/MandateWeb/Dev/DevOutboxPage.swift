import Crypto
import Foundation
import HTMLTemplates
import Lifecycle
import MandateCore

/// The data of `Templates/pages/dev-outbox.html` and the Content-Security-Policy of the page.
///
/// Everything a sender posted is attacker-controllable text; it reaches the page only through
/// `{{…}}` interpolations, which HTML-escape, never through raw tags.
enum DevOutboxPage {
    static let templateName = "pages/dev-outbox"

    /// The template context for `entries` (newest first) and the counts of everything kept.
    static func context(
        entries: [DevOutboxEntry], counts: (sms: Int, email: Int, invalid: Int), now: Date
    ) -> TemplateValue {
        .object([
            "counts": .object([
                "sms": .int(counts.sms), "email": .int(counts.email), "invalid": .int(counts.invalid),
                "total": .int(counts.sms + counts.email), "hasInvalid": .bool(counts.invalid > 0),
            ]),
            "shown": .int(entries.count),
            "retained": .int(DevOutboxStore.retainedCount),
            "messages": .list(entries.map { item($0, now: now) }),
        ])
    }

    private static func item(_ entry: DevOutboxEntry, now: Date) -> TemplateValue {
        let message = entry.message
        var fields: [String: TemplateValue] = [
            "id": .string(String(entry.id)),
            "channel": .string(entry.channel.rawValue),
            "channelLabel": .string(entry.channel == .sms ? "SMS" : "Email"),
            "isSMS": .bool(entry.channel == .sms && message != nil),
            "isEmail": .bool(entry.channel == .email && message != nil),
            "receivedAt": .string(Timestamp.iso8601(entry.receivedAt)),
            "time": .string(displayTime(entry.receivedAt)),
            "age": .string(age(from: entry.receivedAt, to: now)),
            "signatureValid": .bool(entry.signatureValid),
            "signatureError": entry.signatureError.map(TemplateValue.string) ?? .null,
            "webhookId": entry.webhookID.map(TemplateValue.string) ?? .null,
            // A body that is not an sms.send / email.send event is shown as it came.
            "raw": message == nil ? .string(entry.payload) : .null,
        ]
        if let message {
            fields["to"] = .string(message.to ?? "(no recipient)")
            fields["tenantId"] = message.tenantID.map(TemplateValue.string) ?? .null
            fields["messageId"] = message.messageID.map(TemplateValue.string) ?? .null
            fields["body"] = .string(message.body ?? "")
            fields["code"] = oneTimeCode(in: message.body ?? "").map(TemplateValue.string) ?? .null
            fields["subject"] = .string(message.subject ?? "(no subject)")
            fields["text"] = .string(message.text ?? "")
            fields["hasHTML"] = .bool(!(message.html ?? "").isEmpty)
            fields["htmlLink"] = .string("/dev/outbox/\(entry.id)/html")
        }
        return .object(fields)
    }

    /// The first run of 4 to 8 digits in an SMS text (the one-time code), to show it large.
    static func oneTimeCode(in text: String) -> String? {
        var run = ""
        for character in text + " " {
            if character.isASCII, character.isNumber {
                run.append(character)
                continue
            }
            if (4...8).contains(run.count) { return run }
            run = ""
        }
        return nil
    }

    /// `2026-01-01 09:30:05 UTC`.
    private static func displayTime(_ date: Date) -> String {
        let iso = Timestamp.iso8601(date)  // 2026-01-01T09:30:05.123Z
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
    private static func age(from date: Date, to now: Date) -> String {
        let seconds = Int(max(0, now.timeIntervalSince(date)))
        switch seconds {
        case ..<2: return "just now"
        case ..<60: return "\(seconds) s ago"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86_400) d ago"
        }
    }

    /// The site-wide policy with one exception: the page's own `<style>` element, allowed by its
    /// SHA-256 hash (CSP Level 2, "hash-source"), so no other inline style or any script can run.
    /// The hash is taken from the rendered page, so editing the template's style needs no code.
    static func contentSecurityPolicy(for html: String) -> String {
        var styleSource = "'none'"
        if let open = html.range(of: "<style>"),
            let close = html.range(of: "</style>", range: open.upperBound..<html.endIndex)
        {
            let digest = Digest.sha256(Array(html[open.upperBound..<close.lowerBound].utf8))
            styleSource = "'sha256-\(Data(digest).base64EncodedString())'"
        }
        return
            "default-src 'self'; style-src \(styleSource); object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    /// The policy for an email's HTML part: inline styles and `data:` images render, nothing
    /// loads from anywhere, no script runs, and `sandbox` gives the document an opaque origin so
    /// it cannot reach this site's cookies or API even if a browser bug let script through.
    static let emailContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
}
