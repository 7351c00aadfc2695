import Foundation

/// The envelope of outbound webhooks: `{type, timestamp, data}` (DESIGN.md §4).
///
/// `timestamp` is when the event happened (the job's creation), so the body, like the
/// `webhook-id`, is the same for every attempt; the attempt time is in `webhook-timestamp`.
struct OutboundEvent<Payload: Encodable & Sendable>: Encodable, Sendable {
    var type: String
    var timestamp: Date
    var data: Payload

    /// The JSON body: keys sorted, ISO 8601 timestamp in UTC.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return [UInt8](try encoder.encode(self))
    }
}
