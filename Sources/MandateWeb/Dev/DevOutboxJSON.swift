import HTTPServer
import MandateCore

/// `GET /dev/outbox.json`: `{counts: {email, invalid, sms}, data: [entry…]}`, newest first.
struct DevOutboxListJSON: JSONRepresentable {
    let entries: [DevOutboxEntry]
    let counts: (sms: Int, email: Int, invalid: Int)

    func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("counts")
            json.object { counts in
                counts.field("email", self.counts.email)
                counts.field("invalid", self.counts.invalid)
                counts.field("sms", self.counts.sms)
            }
            json.field("data", entries.map(DevOutboxEntryJSON.init))
        }
    }
}

/// One entry: the decoded message fields (null when absent), and the raw `payload` only when the
/// body is not an `sms.send` / `email.send` event.
struct DevOutboxEntryJSON: JSONRepresentable {
    let entry: DevOutboxEntry

    func write(to writer: inout JSONWriter) {
        let message = entry.message
        writer.object { json in
            json.field("body", message?.body)
            json.field("channel", entry.channel.rawValue)
            json.field("code", message?.body.flatMap(DevOutboxPage.oneTimeCode(in:)))
            json.field("html", message?.html)
            json.field("id", Int(entry.id))
            json.field("messageId", message?.messageID)
            json.field("payload", message == nil ? entry.payload : nil)
            json.field("receivedAt", entry.receivedAt)
            json.field("signatureError", entry.signatureError)
            json.field("signatureValid", entry.signatureValid)
            json.field("subject", message?.subject)
            json.field("tenantId", message?.tenantID)
            json.field("text", message?.text)
            json.field("to", message?.to)
            json.field("type", message?.type)
            json.field("webhookId", entry.webhookID)
        }
    }
}
