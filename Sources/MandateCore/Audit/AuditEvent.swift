public import Foundation

/// Who did something: a user, an API key, the system itself, the billing system, or nobody known.
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case user
        case apiKey = "api_key"
        case system, billing, anonymous
    }

    public var kind: Kind
    public var id: String?
    /// A human label at the time (the email), kept because users can be renamed.
    public var label: String?
    public var ipAddress: String?

    public init(kind: Kind, id: String? = nil, label: String? = nil, ipAddress: String? = nil) {
        self.kind = kind
        self.id = id
        self.label = label
        self.ipAddress = ipAddress
    }

    public static let system = AuditActor(kind: .system, label: "system")
}

/// What happened to what, with the outcome.
public struct AuditEvent: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable { case success, failure, denied }

    public var id: Int64
    public var tenantID: String?
    public var occurredAt: Date
    public var actor: AuditActor
    /// A dotted verb such as `user.invited`, `auth.login.failed`, `tenant.settings.updated`.
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var targetLabel: String?
    public var outcome: Outcome
    /// Extra facts as a JSON object (the changed fields, a failure reason).
    public var details: [String: AuditValue]

    public init(
        id: Int64 = 0, tenantID: String?, occurredAt: Date, actor: AuditActor, action: String,
        targetType: String? = nil, targetID: String? = nil, targetLabel: String? = nil, outcome: Outcome = .success,
        details: [String: AuditValue] = [:]
    ) {
        self.id = id
        self.tenantID = tenantID
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.targetLabel = targetLabel
        self.outcome = outcome
        self.details = details
    }
}

/// A JSON value in audit details.
public enum AuditValue: Sendable, Equatable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
