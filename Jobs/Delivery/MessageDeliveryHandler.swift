public import Foundation
public import MandateCore
import SQLite
public import Storage

/// A message payload a gateway webhook carries (`sms.send`, `email.send`).
public protocol OutboundMessagePayload: Codable, Sendable {
    /// The job kind, also the event `type` of the webhook.
    static var jobKind: String { get }
    /// The retry policy when none is given.
    static var defaultRetryPolicy: RetryPolicy { get }
    /// Stable across retries: sent as `webhook-id` so receivers can drop duplicates.
    var messageId: String { get }
}

extension SMSSendPayload: OutboundMessagePayload {
    public static var jobKind: String { JobKind.smsSend }
    /// Quick retries: an SMS code lives at most 10 minutes.
    public static var defaultRetryPolicy: RetryPolicy { .smsCodes }
}

extension EmailSendPayload: OutboundMessagePayload {
    public static var jobKind: String { JobKind.emailSend }
    public static var defaultRetryPolicy: RetryPolicy { .standard }
}

/// Delivers `sms.send` jobs to the SMS gateway (`{type: "sms.send", timestamp, data: {messageId,
/// to, body, tenantId}}`).
///
/// The job's deadline is the code's expiry: checked at claim time and again right before
/// sending, so an expired code is never sent; the message then becomes `expired`.
public typealias SMSDeliveryHandler = MessageDeliveryHandler<SMSSendPayload>

/// Delivers `email.send` jobs to the email gateway (`{type: "email.send", timestamp, data:
/// {messageId, to, subject, text, html, tenantId}}`).
public typealias EmailDeliveryHandler = MessageDeliveryHandler<EmailSendPayload>

/// Sends one kind of message job to its gateway, with the message id as `webhook-id`, and moves
/// the message record along with the job.
public struct MessageDeliveryHandler<Payload: OutboundMessagePayload>: JobFinishObserver {
    public var kind: String { Payload.jobKind }
    public let retryPolicy: RetryPolicy
    private let gateway: WebhookGateway
    private let deliverer: WebhookDeliverer

    /// A handler sending to `gateway`.
    public init(gateway: WebhookGateway, deliverer: WebhookDeliverer, retryPolicy: RetryPolicy? = nil) {
        self.gateway = gateway
        self.deliverer = deliverer
        self.retryPolicy = retryPolicy ?? Payload.defaultRetryPolicy
    }

    /// Sends the message.
    public func handle(_ job: ClaimedJob) async -> JobOutcome {
        let payload: Payload
        let body: [UInt8]
        do {
            payload = try job.decodePayload(Payload.self)
            body = try OutboundEvent(type: Payload.jobKind, timestamp: job.createdAt, data: payload).encoded()
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
