import Foundation

/// A JSON value of the WebDriver wire protocol (W3C WebDriver §6.3: every body is JSON, every
/// response wraps its result in `{"value": …}`), as a `Sendable` value that can cross tasks.
enum WebDriverJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([WebDriverJSON])
    case object([String: WebDriverJSON])

    /// The member `key` of an object; `nil` for anything else or a missing member.
    subscript(key: String) -> WebDriverJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var doubleValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    var arrayValue: [WebDriverJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var isNull: Bool { self == .null }

    /// The encoded bytes, for a request body.
    func encoded() throws -> [UInt8] {
        Array(try JSONEncoder().encode(self))
    }

    /// Parses `bytes`.
    static func decode(_ bytes: [UInt8]) throws -> WebDriverJSON {
        try JSONDecoder().decode(WebDriverJSON.self, from: Data(bytes))
    }
}

extension WebDriverJSON: Codable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([WebDriverJSON].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: WebDriverJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}

extension WebDriverJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: WebDriverJSON...) { self = .array(elements) }
    init(nilLiteral: ()) { self = .null }

    init(dictionaryLiteral elements: (String, WebDriverJSON)...) {
        self = .object(Dictionary(elements) { _, last in last })
    }
}
