import Crypto

/// Random message identifiers: `msg_` followed by 120 random bits in lowercase base32.
///
/// They double as the `webhook-id` of the delivery, which receivers dedupe on, so they must be
/// unique and unguessable, not sequential.
enum MessageID {
    /// A new identifier, e.g. `msg_5k2q…` (28 characters).
    static func make() -> String {
        "msg_" + Base32.encode(SecureRandom.bytes(count: 15), padding: false).lowercased()
    }
}
