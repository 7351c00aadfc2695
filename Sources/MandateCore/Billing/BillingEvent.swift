public import Foundation
import Lifecycle

/// A billing event (DESIGN.md §4): `{type, timestamp, data: {tenantId, plan, status, trialEndsAt?}}`,
/// checked field by field once its signature verified. Unknown extra fields are ignored, as webhook
/// receivers should.
public struct BillingEvent: Sendable, Equatable {
    /// The longest text field accepted (ids, plan and status names are far shorter): keeps a signed but
    /// broken sender from writing megabytes into the event history.
    public static let maximumFieldLength = 200

    public var type: BillingWebhook.EventType
    /// When the billing system says the change happened: orders events per tenant.
    public var timestamp: Date
    /// The tenant's id (`ten_…`) or its handle.
    public var tenant: String
    /// A plan id of the catalog (checked by the service, which knows the catalog); nil keeps the
    /// tenant's plan (only `subscription.canceled` may leave it out).
    public var plan: String?
    public var status: SubscriptionStatus
    public var trialEndsAt: Date?

    public init(
        type: BillingWebhook.EventType, timestamp: Date, tenant: String, plan: String?, status: SubscriptionStatus,
        trialEndsAt: Date? = nil
    ) {
        self.type = type
        self.timestamp = timestamp
        self.tenant = tenant
        self.plan = plan
        self.status = status
        self.trialEndsAt = trialEndsAt
    }

    /// Why a verified body was refused.
    public struct Refusal: Error, Sendable, Equatable {
        public enum Reason: String, Sendable {
            /// Not JSON, or a required field is missing or of the wrong type (400).
            case malformed
            /// A `type` this endpoint does not handle (422).
            case unsupportedType = "unsupported_type"
            /// A field with a value that is not acceptable (422).
            case invalid
        }

        public var reason: Reason
        public var message: String
        /// The event type and tenant, when the body names them (for the event history).
        public var type: String?
        public var tenant: String?
    }

    /// Parses the verified body.
    public static func parse(_ body: [UInt8]) throws(Refusal) -> BillingEvent {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Refusal(reason: .malformed, message: "The body is not a JSON object.")
        }
        let data = object["data"] as? [String: Any]
        let typeText = (object["type"] as? String).map(clip)
        let tenant = (data?["tenantId"] as? String).map(clip)
        func refuse(_ reason: Refusal.Reason, _ message: String) -> Refusal {
            Refusal(reason: reason, message: message, type: typeText, tenant: tenant)
        }
        guard let typeText else { throw refuse(.malformed, "Field 'type' must be a string.") }
        guard let type = BillingWebhook.EventType(rawValue: typeText) else {
            let known = BillingWebhook.EventType.allCases.map(\.rawValue).joined(separator: ", ")
            throw refuse(.unsupportedType, "Event type '\(typeText)' is not handled; expected one of \(known).")
        }
        guard let stampText = object["timestamp"] as? String else {
            throw refuse(.malformed, "Field 'timestamp' must be an RFC 3339 time such as 2026-11-22T10:00:00Z.")
        }
        guard let timestamp = Timestamp.parse(stampText) else {
            throw refuse(.invalid, "Field 'timestamp' is not an RFC 3339 time such as 2026-11-22T10:00:00Z.")
        }
        guard let data else { throw refuse(.malformed, "Field 'data' must be an object.") }
        guard let raw = data["tenantId"] as? String, !raw.isEmpty, raw.count <= maximumFieldLength, let tenant else {
            throw refuse(
                .malformed,
                "Field 'data.tenantId' must be the organization's id or handle (at most \(maximumFieldLength) characters)."
            )
        }
        let plan: String?
        switch data["plan"] {
        case let text as String where !text.isEmpty && text.count <= maximumFieldLength: plan = text
        case nil, is NSNull:
            guard type == .subscriptionCanceled else {
                throw refuse(.malformed, "Field 'data.plan' is required for \(type.rawValue).")
            }
            plan = nil
        default:
            throw refuse(.malformed, "Field 'data.plan' must be a non-empty string.")
        }
        let statuses = SubscriptionStatus.allCases.map(\.rawValue).joined(separator: ", ")
        var status: SubscriptionStatus
        switch data["status"] {
        case let text as String:
            guard let known = SubscriptionStatus(rawValue: text) else {
                throw refuse(.invalid, "Field 'data.status' must be one of \(statuses).")
            }
            status = known
        case nil, is NSNull:
            guard type != .subscriptionUpdated else {
                throw refuse(.malformed, "Field 'data.status' is required for subscription.updated.")
            }
            // A cancellation cancels; a trial that ended without a word about payment lapsed.
            status = .canceled
        default:
            throw refuse(.malformed, "Field 'data.status' must be one of \(statuses).")
        }
        if type == .subscriptionCanceled, status != .canceled {
            throw refuse(.invalid, "A subscription.canceled event must have status canceled (or none).")
        }
        if type == .trialEnded, status == .trialing {
            throw refuse(.invalid, "A trial.ended event cannot leave the subscription trialing.")
        }
        var trialEndsAt: Date?
        switch data["trialEndsAt"] {
        case nil, is NSNull: trialEndsAt = nil
        case let text as String:
            guard let date = Timestamp.parse(text) else {
                throw refuse(.invalid, "Field 'data.trialEndsAt' is not an RFC 3339 time.")
            }
            trialEndsAt = date
        default:
            throw refuse(.malformed, "Field 'data.trialEndsAt' must be an RFC 3339 time.")
        }
        if type == .trialEnded, trialEndsAt == nil { trialEndsAt = timestamp }
        if status == .trialing, trialEndsAt == nil {
            throw refuse(.invalid, "Field 'data.trialEndsAt' is required while the subscription is trialing.")
        }
        return BillingEvent(
            type: type, timestamp: timestamp, tenant: tenant, plan: plan, status: status, trialEndsAt: trialEndsAt)
    }

    private static func clip(_ text: String) -> String {
        text.count <= maximumFieldLength ? text : String(text.prefix(maximumFieldLength))
    }
}
