import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the base64 of the HMAC key.
///
/// Parsed once, so signing cannot fail later. The key is never printed: `description` only
/// shows the prefix.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    /// Keys shorter than this are refused: the spec recommends 24 to 64 bytes, and a short key
    /// is a configuration mistake better caught at start-up.
    public static let minimumKeyLength = 16

    /// The HMAC-SHA256 key (the decoded base64).
    let key: [UInt8]

    /// Parses `text` (`whsec_<base64>`; the base64 may omit its padding).
    ///
    /// - Throws: ``WebhookVerificationError`` with reason `malformedSecret`.
    public init(_ text: String) throws(WebhookVerificationError) {
        let prefix = "whsec_"
        guard text.hasPrefix(prefix) else {
            throw WebhookVerificationError(.malformedSecret, "a webhook secret must start with 'whsec_'")
        }
        var encoded = String(text.dropFirst(prefix.count))
        // Unpadded base64 is common in the wild; the reference implementations accept it too.
        while encoded.utf8.count % 4 != 0 { encoded.append("=") }
        guard let data = Data(base64Encoded: encoded) else {
            throw WebhookVerificationError(.malformedSecret, "the part after 'whsec_' is not base64")
        }
        guard data.count >= Self.minimumKeyLength else {
            throw WebhookVerificationError(
                .malformedSecret,
                "a webhook secret must hold at least \(Self.minimumKeyLength) bytes (it holds \(data.count))")
        }
        key = [UInt8](data)
    }

    /// A secret with a fresh random 32-byte key.
    public static func generate() -> WebhookSecret {
        WebhookSecret(key: SecureRandom.bytes(count: 32))
    }

    private init(key: [UInt8]) {
        self.key = key
    }

    /// The secret as configured: `whsec_<base64>` (give it to the receiver; keep it out of logs).
    public var text: String {
        "whsec_" + Data(key).base64EncodedString()
    }

    /// `whsec_…` with the key withheld.
    public var description: String {
        "whsec_…"
    }
}
