public import Foundation
import Lifecycle

/// Writes JSON (RFC 8259) straight into bytes, for responses on hot paths.
///
/// Foundation's `JSONEncoder` walks `Encodable` through generic containers and boxes every value;
/// for a response of a few dozen fields that costs more than the rest of the request. Types that
/// conform to `JSONRepresentable` write their fields in order instead. Keys are written as given
/// (callers keep them sorted, as the API promises).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma first.
    private var needsComma = false

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":` inside an object; the next call writes its value.
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// An RFC 3339 UTC time with milliseconds.
    public mutating func date(_ value: Date) {
        string(Timestamp.iso8601(value))
    }

    public mutating func value(_ value: some JSONRepresentable) {
        value.write(to: &self)
    }

    // MARK: Fields (key and value together; `nil` writes null)

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func field(_ name: String, _ value: Date?) {
        key(name)
        if let value { date(value) } else { null() }
    }

    public mutating func field(_ name: String, _ value: [String]) {
        key(name)
        array { writer in for item in value { writer.string(item) } }
    }

    public mutating func field(_ name: String, _ value: (some JSONRepresentable)?) {
        key(name)
        if let value { value.write(to: &self) } else { null() }
    }

    public mutating func field<Element: JSONRepresentable>(_ name: String, _ value: [Element]) {
        key(name)
        array { writer in for item in value { item.write(to: &writer) } }
    }

    // MARK: Internals

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A value that writes itself as JSON.
public protocol JSONRepresentable {
    func write(to writer: inout JSONWriter)
}

extension HTTPResponse {
    /// A JSON response written by `value` itself.
    public static func json(_ value: some JSONRepresentable, status: HTTPStatus = .ok) -> HTTPResponse {
        var writer = JSONWriter()
        value.write(to: &writer)
        return .json(bytes: writer.bytes, status: status)
    }
}
