import Foundation
public import Lifecycle
import SQLite
public import Storage

/// Applies the SMS provider's `sms.status` callbacks and audits every outcome.
///
/// The route verifies the signature and parses the body; this records the result. A callback is
/// applied in one write transaction that checks and records its `webhook-id`, moves the message's
/// status forward only (``MessageStore/applyProviderStatus(messageID:status:errorCode:on:now:)``)
/// and writes the audit event, so a replay, a crash or a concurrent duplicate can never apply it
/// twice or half.
public struct SMSStatusUpdates: Sendable {
    /// The `source` recorded in `inbound_webhooks`.
    public static let source = "sms_status"
    /// The audit action of an applied callback.
    public static let appliedAction = "sms.status.updated"
    /// The audit action of a refused callback.
    public static let rejectedAction = "webhook.sms_status.rejected"

    private let database: Database
    private let clock: any WallClock

    /// Updates stored in `database`, timed by `clock`.
    public init(database: Database, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    /// Applies `callback` once per `webhook-id`.
    ///
    /// - Parameter ipAddress: the sender's address, for the audit event.
    /// - Throws: ``OutboxError`` `storage` when the database fails (then nothing was written).
    public func apply(_ callback: SMSStatusCallback, ipAddress: String?) async throws(OutboxError)
        -> SMSStatusCallbackResult
    {
        let clock = self.clock
        do {
            return try await database.write { connection in
                try Self.apply(callback, ipAddress: ipAddress, on: connection, now: clock.now())
            }
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot apply an sms.status callback")
        }
    }

    /// Records the refusal of a callback as a `webhook.sms_status.rejected` audit event, in the
    /// tenant of `messageID` when that message exists, without a tenant otherwise.
    ///
    /// - Throws: ``OutboxError`` `storage`.
    public func recordRejection(
        _ reason: SMSStatusRejection, detail: String, webhookID: String?, messageID: String?, ipAddress: String?
    ) async throws(OutboxError) {
        let clock = self.clock
        do {
            try await database.write { connection in
                try Self.recordRejection(
                    reason, detail: detail, webhookID: webhookID, messageID: messageID, ipAddress: ipAddress,
                    on: connection, now: clock.now())
            }
        } catch let error as OutboxError {
            throw error
        } catch {
            throw .storage(error, while: "cannot audit a refused sms.status callback")
        }
    }

    static func apply(
        _ callback: SMSStatusCallback, ipAddress: String?, on connection: Connection, now: Date
    ) throws(OutboxError) -> SMSStatusCallbackResult {
        if try InboundWebhookStore.outcome(of: callback.webhookID, on: connection) != nil {
            return .duplicate
        }
        let previous = try MessageStore.message(id: callback.messageID, on: connection)
        let result = try MessageStore.applyProviderStatus(
            messageID: callback.messageID, status: callback.status, errorCode: callback.errorCode, on: connection,
            now: now)
        switch result {
        case .unknownMessage:
            // Not recorded as processed: the sender's retry gets the same 404.
            try recordRejection(
                .unknownMessage, detail: "no message has id \(callback.messageID)", webhookID: callback.webhookID,
                messageID: callback.messageID, ipAddress: ipAddress, on: connection, now: now)
            return .unknownMessage
        case .ignoredStale:
            try InboundWebhookStore.record(
                webhookID: callback.webhookID, source: source, outcome: "ignored", on: connection, now: now)
            return .ignoredStale
        case .applied:
            try InboundWebhookStore.record(
                webhookID: callback.webhookID, source: source, outcome: "applied", on: connection, now: now)
            var details: [String: AuditValue] = [
                "status": .string(callback.status.rawValue), "webhookId": .string(callback.webhookID),
            ]
            if let previous { details["previousStatus"] = .string(previous.status.rawValue) }
            if let errorCode = callback.errorCode { details["errorCode"] = .string(errorCode) }
            try audit(
                AuditEvent(
                    tenantID: previous?.tenantID, occurredAt: now, actor: providerActor(ipAddress),
                    action: appliedAction, targetType: "message", targetID: callback.messageID, details: details),
                on: connection)
            return .applied
        }
    }

    static func recordRejection(
        _ reason: SMSStatusRejection, detail: String, webhookID: String?, messageID: String?, ipAddress: String?,
        on connection: Connection, now: Date
    ) throws(OutboxError) {
        let tenantID = try messageID.flatMap { id throws(OutboxError) in
            try MessageStore.message(id: id, on: connection)?.tenantID
        }
        var details: [String: AuditValue] = ["reason": .string(reason.rawValue), "detail": .string(detail)]
        if let webhookID { details["webhookId"] = .string(webhookID) }
        try audit(
            AuditEvent(
                tenantID: tenantID, occurredAt: now,
                actor: AuditActor(kind: .anonymous, label: "sms status webhook", ipAddress: ipAddress),
                action: rejectedAction, targetType: messageID == nil ? nil : "message", targetID: messageID,
                outcome: .denied, details: details),
            on: connection)
    }

    private static func providerActor(_ ipAddress: String?) -> AuditActor {
        AuditActor(kind: .system, label: "sms provider", ipAddress: ipAddress)
    }

    private static func audit(_ event: AuditEvent, on connection: Connection) throws(OutboxError) {
        do {
            try AuditLog.record(event, on: connection)
        } catch {
            throw .storage(error, while: "cannot write audit event \(event.action)")
        }
    }
}
