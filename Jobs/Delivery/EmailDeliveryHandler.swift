public import Foundation
import MandateCore
public import SQLite

/// Delivers `email.send` jobs to the email gateway: `{type: "email.send", timestamp, data:
/// {messageId, to, subject, text, html, tenantId}}`, with the message id as `webhook-id`.
public struct EmailDeliveryHandler: JobFinishObserver {
    /// `email.send`.
    public let kind = JobKind.emailSend
    /// The backoff between attempts.
    public let retryPolicy: RetryPolicy
    private let gateway: WebhookGateway
    private let deliverer: WebhookDeliverer

    /// A handler sending to `gateway`.
    public init(gateway: WebhookGateway, deliverer: WebhookDeliverer, retryPolicy: RetryPolicy = .standard) {
        self.gateway = gateway
        self.deliverer = deliverer
        self.retryPolicy = retryPolicy
    }

    /// Sends the email.
    public func handle(_ job: ClaimedJob) async -> JobOutcome {
        let payload: EmailSendPayload
        let body: [UInt8]
        do {
            payload = try job.decodePayload(EmailSendPayload.self)
            body = try OutboundEvent(type: JobKind.emailSend, timestamp: job.createdAt, data: payload).encoded()
        } catch {
            return .failed(error: "\(error)")
        }
        return await deliverer.deliver(body: body, webhookID: payload.messageId, to: gateway, notAfter: job.notAfter)
            .jobOutcome
    }

    /// Moves the message to `sent`, `expired` or `dead` with the job.
    public func jobDidFinish(_ job: FinishedJob, on connection: Connection, now: Date) throws {
        try MessageStore.recordDeliveryOutcome(
            jobID: job.id, outcome: job.messageDeliveryOutcome, on: connection, now: now)
    }
}
