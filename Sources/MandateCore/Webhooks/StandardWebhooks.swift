import Crypto
public import Foundation

/// Signing and verifying webhooks per the Standard Webhooks specification
/// (<https://www.standardwebhooks.com>, "Signature scheme").
///
/// The signed content is `"<webhook-id>.<webhook-timestamp>.<body>"`; the signature is
/// `v1,<base64 HMAC-SHA256 of it>` under the key from the `whsec_` secret; the header may hold
/// several space-separated signatures so a sender can rotate secrets.
public enum StandardWebhooks {
    /// The spec's recommended timestamp tolerance: five minutes either way.
    public static let defaultTolerance: Duration = .seconds(300)

    /// The `webhook-signature` value for one message: `v1,<base64>`.
    ///
    /// `timestamp` is sent and signed in whole seconds (rounded down).
    public static func sign(id: String, timestamp: Date, body: [UInt8], secret: WebhookSecret) -> String {
        let seconds = wholeSeconds(timestamp)
        return "v1," + Data(signature(id: id, seconds: seconds, body: body, key: secret.key)).base64EncodedString()
    }

    /// ``sign(id:timestamp:body:secret:)-(_,_,_,WebhookSecret)`` with the secret as text.
    ///
    /// - Throws: ``WebhookVerificationError`` with reason `malformedSecret`.
    public static func sign(id: String, timestamp: Date, body: [UInt8], secret: String) throws(WebhookVerificationError)
        -> String
    {
        sign(id: id, timestamp: timestamp, body: body, secret: try WebhookSecret(secret))
    }

    /// The three headers of a signed webhook, in the order they are sent.
    public static func headers(
        id: String, timestamp: Date, body: [UInt8], secret: WebhookSecret
    ) -> [(name: String, value: String)] {
        [
            ("webhook-id", id),
            ("webhook-timestamp", String(wholeSeconds(timestamp))),
            ("webhook-signature", sign(id: id, timestamp: timestamp, body: body, secret: secret)),
        ]
    }

    /// Verifies a webhook on its raw body bytes, before anything parses them.
    ///
    /// - Parameters:
    ///   - body: the request body exactly as received.
    ///   - headers: looks a header up by lowercase name (`webhook-id`, …); case-insensitive
    ///     lookups are the caller's business.
    ///   - secrets: every secret currently accepted (several during a rotation).
    ///   - now: the receiver's clock.
    ///   - tolerance: how far the timestamp may be from `now`, either way.
    /// - Returns: the webhook's id and timestamp.
    /// - Throws: ``WebhookVerificationError``: missing header, bad timestamp, too old, too new,
    ///   malformed secret, or no matching signature. Signatures are compared in constant time.
    @discardableResult
    public static func verify(
        body: [UInt8], headers: (String) -> String?, secrets: [String], now: Date,
        tolerance: Duration = defaultTolerance
    ) throws(WebhookVerificationError) -> VerifiedWebhook {
        let id = try requiredHeader("webhook-id", headers)
        let timestampText = try requiredHeader("webhook-timestamp", headers)
        let signatureHeader = try requiredHeader("webhook-signature", headers)
        let seconds = try parseTimestamp(timestampText)
        let toleranceSeconds = Double(tolerance.components.seconds)
        let age = now.timeIntervalSince1970 - Double(seconds)
        if age > toleranceSeconds {
            throw WebhookVerificationError(
                .timestampTooOld, "webhook-timestamp is \(Int(age)) s old; at most \(Int(toleranceSeconds)) s allowed")
        }
        if -age > toleranceSeconds {
            throw WebhookVerificationError(
                .timestampTooNew,
                "webhook-timestamp is \(Int(-age)) s in the future; at most \(Int(toleranceSeconds)) s allowed")
        }
        var keys: [[UInt8]] = []
        for secret in secrets {
            keys.append(try WebhookSecret(secret).key)
        }
        guard !keys.isEmpty else {
            throw WebhookVerificationError(.malformedSecret, "no webhook secret is configured")
        }
        let candidates = receivedSignatures(signatureHeader)
        for key in keys {
            let expected = signature(id: id, seconds: seconds, body: body, key: key)
            for candidate in candidates where constantTimeEquals(expected, candidate) {
                return VerifiedWebhook(id: id, timestamp: Date(timeIntervalSince1970: Double(seconds)))
            }
        }
        throw WebhookVerificationError(
            .noMatchingSignature,
            candidates.isEmpty
                ? "webhook-signature holds no v1 signature"
                : "none of the \(candidates.count) v1 signature(s) matches the body under the configured secret(s)")
    }

    /// HMAC-SHA256 of `"<id>.<seconds>.<body>"`.
    private static func signature(id: String, seconds: Int64, body: [UInt8], key: [UInt8]) -> [UInt8] {
        var content = Array("\(id).\(seconds).".utf8)
        content.append(contentsOf: body)
        return HMAC.authenticationCode(for: content, key: key, algorithm: .sha256)
    }

    private static func requiredHeader(
        _ name: String, _ headers: (String) -> String?
    ) throws(WebhookVerificationError) -> String {
        guard let value = headers(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw WebhookVerificationError(.missingHeader, "the \(name) header is missing")
        }
        return value
    }

    /// A whole number of seconds, digits only: the spec's timestamp is an integer.
    private static func parseTimestamp(_ text: String) throws(WebhookVerificationError) -> Int64 {
        guard text.utf8.count <= 15, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let seconds = Int64(text)
        else {
            throw WebhookVerificationError(.badTimestamp, "webhook-timestamp is not a whole number of seconds")
        }
        return seconds
    }

    /// The decoded `v1` signatures of the header; other versions and undecodable entries are
    /// skipped, as the spec asks receivers to ignore what they do not understand.
    private static func receivedSignatures(_ header: String) -> [[UInt8]] {
        header.split(separator: " ").compactMap { entry -> [UInt8]? in
            guard entry.hasPrefix("v1,"), let data = Data(base64Encoded: String(entry.dropFirst(3))) else {
                return nil
            }
            return [UInt8](data)
        }
    }

    /// Seconds since 1970, rounded down.
    private static func wholeSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
