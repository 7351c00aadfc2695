public import Foundation
import MandateCore
public import SQLite

/// Delivers `sms.send` jobs to the SMS gateway: `{type: "sms.send", timestamp, data: {messageId,
/// to, body, tenantId}}`, with the message id as `webhook-id`.
///
/// The job's deadline is the code's expiry: checked at claim time and again right before
/// sending, so an expired code is never sent; the message then becomes `expired`.
public struct SMSDeliveryHandler: JobFinishObserver {
    /// `sms.send`.
    public let kind = JobKind.smsSend
    /// Quick retries: an SMS code lives at most 10 minutes.
    public let retryPolicy: RetryPolicy
    private let gateway: WebhookGateway
    private let deliverer: WebhookDeliverer

    /// A handler sending to `gateway`.
    public init(gateway: WebhookGateway, deliverer: WebhookDeliverer, retryPolicy: RetryPolicy = .smsCodes) {
        self.gateway = gateway
        self.deliverer = deliverer
        self.retryPolicy = retryPolicy
    }

    /// Sends the SMS.
    public func handle(_ job: ClaimedJob) async -> JobOutcome {
        let payload: SMSSendPayload
        let body: [UInt8]
        do {
            payload = try job.decodePayload(SMSSendPayload.self)
            body = try OutboundEvent(type: JobKind.smsSend, timestamp: job.createdAt, data: payload).encoded()
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
