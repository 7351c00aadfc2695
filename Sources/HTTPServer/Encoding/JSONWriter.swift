public import Foundation
import Lifecycle

/// Writes JSON (RFC 8259) straight into bytes, for responses on hot paths.
///
/// Foundation's `JSONEncoder` walks `Encodable` through generic containers and boxes every value;
/// for a response of a few dozen fields that costs more than the rest of the request. Types that
/// conform to `JSONRepresentable` write their fields in order instead. Keys are written as given
/// (callers keep them sorted, as the API promises).
public struct JSONWriter: Sendable {
    // Inlinable (with usable-from-inline storage) so that the generic `field` and `value` methods
    // specialise in the modules that call them, instead of looking up generic metadata per call.
    @usableFromInline var storage: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma first.
    @usableFromInline var needsComma = false

    /// The JSON written so far.
    public var bytes: [UInt8] { storage }

    public init(capacity: Int = 512) {
        storage.reserveCapacity(capacity)
    }

    // MARK: Structure

    @inlinable
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        storage.append(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        storage.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":` inside an object; the next call writes its value.
    @inlinable
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        storage.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Values

    @inlinable
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    @inlinable
    public mutating func int(_ value: Int) {
        separate()
        storage.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        separate()
        storage.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    @inlinable
    public mutating func null() {
        separate()
        storage.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// An RFC 3339 UTC time with milliseconds, written straight into the bytes.
    @inlinable
    public mutating func date(_ value: Date) {
        appendDate(value)
    }

    @usableFromInline
    mutating func appendDate(_ value: Date) {
        separate()
        storage.append(UInt8(ascii: "\""))
        Timestamp.appendISO8601(value, to: &storage)
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    @inlinable
    public mutating func value(_ value: some JSONRepresentable) {
        value.write(to: &self)
    }

    // MARK: Fields (key and value together; `nil` writes null)

    @inlinable
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    @inlinable
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    @inlinable
    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    @inlinable
    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    @inlinable
    public mutating func field(_ name: String, _ value: Date?) {
        key(name)
        if let value { date(value) } else { null() }
    }

    @inlinable
    public mutating func field(_ name: String, _ value: [String]) {
        key(name)
        array { writer in for item in value { writer.string(item) } }
    }

    @inlinable
    public mutating func field(_ name: String, _ value: (some JSONRepresentable)?) {
        key(name)
        if let value { value.write(to: &self) } else { null() }
    }

    @inlinable
    public mutating func field<Element: JSONRepresentable>(_ name: String, _ value: [Element]) {
        key(name)
        array { writer in for item in value { item.write(to: &writer) } }
    }

    // MARK: Internals

    @usableFromInline
    mutating func separate() {
        if needsComma { storage.append(UInt8(ascii: ",")) }
    }

    @usableFromInline
    mutating func appendQuoted(_ value: String) {
        storage.append(UInt8(ascii: "\""))
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        if needsEscaping {
            appendEscaped(value)
        } else {
            storage.append(contentsOf: value.utf8)  // one copy for the common case
        }
        storage.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    mutating func appendEscaped(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): storage.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): storage.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: storage.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: storage.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: storage.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                storage.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: storage.append(byte)
            }
        }
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
