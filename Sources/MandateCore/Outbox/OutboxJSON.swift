import Foundation

/// The JSON conventions of outbox payloads: sorted keys (stable bytes), no escaped slashes,
/// dates as ISO 8601.
enum OutboxJSON {
    /// A fresh encoder each time: `JSONEncoder` is a class and is not `Sendable`.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
