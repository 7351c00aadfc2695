public import Foundation
import SQLite
public import Storage

/// SMS and email records (`messages`) and their delivery state.
///
/// Every function runs on the caller's connection and inside the caller's transaction, so a
/// message, its delivery job and the change that caused them commit together.
public enum MessageStore {
    /// Records an SMS and the `sms.send` job that delivers it (priority 10; the job's deadline is
    /// the request's `expiresAt`, so an expired code is never sent).
    ///
    /// - Throws: ``OutboxError`` (`invalidMessage`, `invalidJob`, `storage`).
    public static func queueSMS(
        _ request: SMSMessageRequest, on connection: Connection, now: Date
    ) throws(OutboxError) -> QueuedMessage {
        guard !request.to.isEmpty else { throw OutboxError(.invalidMessage, "an SMS needs a recipient") }
        guard !request.body.isEmpty else { throw OutboxError(.invalidMessage, "an SMS needs a text") }
        let messageID = MessageID.make()
        let payload = SMSSendPayload(
            messageId: messageID, to: request.to, body: request.body, tenantId: request.tenantID)
        let job = try NewJob(
            kind: JobKind.smsSend, payload: payload, notAfter: request.expiresAt, tenantID: request.tenantID)
        return try insert(
            messageID: messageID, channel: .sms, tenantID: request.tenantID, userID: request.userID,
            recipient: request.to, subject: nil, job: job, on: connection, now: now)
    }

    /// Records an email and the `email.send` job that delivers it (priority 50).
    ///
    /// - Throws: ``OutboxError`` (`invalidMessage`, `invalidJob`, `storage`).
    public static func queueEmail(
        _ request: EmailMessageRequest, on connection: Connection, now: Date
    ) throws(OutboxError) -> QueuedMessage {
        guard !request.to.isEmpty else { throw OutboxError(.invalidMessage, "an email needs a recipient") }
        guard !request.subject.isEmpty else { throw OutboxError(.invalidMessage, "an email needs a subject") }
        let messageID = MessageID.make()
        let payload = EmailSendPayload(
            messageId: messageID, to: request.to, subject: request.subject, text: request.text, html: request.html,
            tenantId: request.tenantID)
        let job = try NewJob(kind: JobKind.emailSend, payload: payload, tenantID: request.tenantID)
        return try insert(
            messageID: messageID, channel: .email, tenantID: request.tenantID, userID: request.userID,
            recipient: request.to, subject: request.subject, job: job, on: connection, now: now)
    }

    private static func insert(
        messageID: String, channel: MessageChannel, tenantID: String?, userID: String?, recipient: String,
        subject: String?, job: NewJob, on connection: Connection, now: Date
    ) throws(OutboxError) -> QueuedMessage {
        // No idempotency key, so the job is always inserted.
        guard let jobID = try Outbox.enqueue(job, on: connection, now: now) else {
            throw OutboxError(.storage, "the delivery job of message \(messageID) was not inserted")
        }
        do {
            try connection.run(
                """
                INSERT INTO messages (id, channel, tenant_id, user_id, recipient, subject, status, job_id,
                                      created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                """,
                messageID, channel.rawValue, tenantID, userID, recipient, subject, jobID, now, now)
        } catch {
            throw .storage(error, while: "cannot record message \(messageID)")
        }
        return QueuedMessage(messageID: messageID, jobID: jobID)
    }

    /// Records what the delivery job `jobID` learned (accepted, expired, dead-lettered), moving
    /// the message's status forward only.
    ///
    /// - Returns: whether a message changed (false when no message belongs to the job, or its
    ///   status is already as far or further).
    @discardableResult
    public static func recordDeliveryOutcome(
        jobID: Int64, outcome: MessageDeliveryOutcome, on connection: Connection, now: Date
    ) throws(OutboxError) -> Bool {
        do {
            guard let row = try connection.queryOne("SELECT id, status FROM messages WHERE job_id = ?", jobID) else {
                return false
            }
            let id = try row.decode(0, as: String.self)
            return try advance(
                messageID: id, current: try row.decode(1, as: String.self), to: outcome.status,
                errorCode: outcome.errorCode, on: connection, now: now)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot record the delivery outcome of job \(jobID)")
        }
    }

    /// Applies an `sms.status` callback from the provider, forward-only.
    ///
    /// - Returns: ``ProviderStatusResult/applied`` when the status moved forward,
    ///   ``ProviderStatusResult/ignoredStale`` when the message already is at that status or
    ///   further (late or replayed callback), ``ProviderStatusResult/unknownMessage`` when no
    ///   message has this id.
    public static func applyProviderStatus(
        messageID: String, status: ProviderMessageStatus, errorCode: String?, on connection: Connection, now: Date
    ) throws(OutboxError) -> ProviderStatusResult {
        do {
            guard let row = try connection.queryOne("SELECT status FROM messages WHERE id = ?", messageID) else {
                return .unknownMessage
            }
            let changed = try advance(
                messageID: messageID, current: try row.decode(0, as: String.self), to: status.messageStatus,
                errorCode: errorCode, on: connection, now: now)
            return changed ? .applied : .ignoredStale
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot apply a provider status to message \(messageID)")
        }
    }

    /// Moves `messageID` from `current` to `status` when that is forward. The UPDATE also requires
    /// the status still to be `current`: under `READ COMMITTED` (PostgreSQL's job completions) a
    /// provider callback may change it between the caller's read and this write, and the status
    /// must never move backwards. Then it reads the newer status and decides again.
    private static func advance(
        messageID: String, current: String, to status: MessageStatus, errorCode: String?,
        on connection: Connection, now: Date
    ) throws -> Bool {
        var current = current
        while true {
            // An unknown stored status (written by a newer version) is treated as the earliest.
            let currentStatus = MessageStatus(rawValue: current) ?? .queued
            guard currentStatus.canAdvance(to: status) else { return false }
            let deliveredAt: Date? = status == .delivered ? now : nil
            let changed = try connection.run(
                """
                UPDATE messages SET status = ?, error_code = ?, updated_at = ?,
                    delivered_at = coalesce(?, delivered_at)
                WHERE id = ? AND status = ?
                """,
                status.rawValue, errorCode, now, deliveredAt, messageID, current)
            if changed == 1 { return true }
            guard let row = try connection.queryOne("SELECT status FROM messages WHERE id = ?", messageID) else {
                return false
            }
            current = try row.decode(0, as: String.self)
        }
    }
}
