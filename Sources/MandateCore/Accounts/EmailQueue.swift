import Foundation
import SQLite

/// Queues an email for delivery through the outbox (INTEGRATE: wired to the job queue's message
/// records when the queue lands; until then this records nothing).
enum EmailQueue {
    static func enqueue(
        to recipient: String, content: InvitationMail.Content, tenantID: String, userID: String?, now: Date,
        on connection: Connection
    ) throws {}
}
