import Foundation
import MandateCore

/// The body of an `sms.status` webhook (DESIGN.md §4), checked field by field:
/// `{type: "sms.status", data: {messageId, status: "sent"|"delivered"|"undelivered"|"failed",
/// errorCode?}}`. Unknown extra fields are ignored, as webhook receivers should.
struct SMSStatusEvent: Sendable, Hashable {
    /// The longest message id or error code accepted; ours are 28 characters. The bound keeps an
    /// authenticated but broken sender from writing megabytes into the audit log.
    static let maximumFieldLength = 200

    var messageID: String
    var status: ProviderMessageStatus
    var errorCode: String?

    /// Why a signed body was refused.
    struct Refusal: Error, Sendable {
        var reason: SMSStatusRejection
        var message: String
        /// The message the body names, when it names one (to audit in its tenant).
        var messageID: String?
    }

    /// Parses the verified body.
    ///
    /// - Throws: ``Refusal`` with reason `malformedJSON` (not a JSON object), `unknownType` (not
    ///   `sms.status`) or `invalidPayload` (a missing or wrong field).
    static func parse(_ body: [UInt8]) throws(Refusal) -> SMSStatusEvent {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Refusal(reason: .malformedJSON, message: "The body is not a JSON object.")
        }
        let data = object["data"] as? [String: Any]
        let messageID = (data?["messageId"] as? String).flatMap { $0.count <= maximumFieldLength ? $0 : nil }
        guard let type = object["type"] as? String else {
            throw Refusal(reason: .invalidPayload, message: "Field 'type' is required.", messageID: messageID)
        }
        guard type == "sms.status" else {
            throw Refusal(
                reason: .unknownType,
                message: "Event type '\(type.prefix(64))' is not handled here; expected 'sms.status'.",
                messageID: messageID)
        }
        guard let data else {
            throw Refusal(reason: .invalidPayload, message: "Field 'data' must be an object.")
        }
        guard let messageID, !messageID.isEmpty else {
            throw Refusal(
                reason: .invalidPayload,
                message:
                    "Field 'data.messageId' must be a non-empty string of at most \(maximumFieldLength) characters.")
        }
        let statuses = ProviderMessageStatus.allCases.map(\.rawValue).joined(separator: ", ")
        guard let statusText = data["status"] as? String, let status = ProviderMessageStatus(rawValue: statusText)
        else {
            throw Refusal(
                reason: .invalidPayload, message: "Field 'data.status' must be one of \(statuses).",
                messageID: messageID)
        }
        var errorCode: String?
        switch data["errorCode"] {
        case nil, is NSNull:
            errorCode = nil
        case let code as String where code.count <= maximumFieldLength:
            errorCode = code.isEmpty ? nil : code
        default:
            throw Refusal(
                reason: .invalidPayload,
                message: "Field 'data.errorCode' must be a string of at most \(maximumFieldLength) characters.",
                messageID: messageID)
        }
        return SMSStatusEvent(messageID: messageID, status: status, errorCode: errorCode)
    }
}
