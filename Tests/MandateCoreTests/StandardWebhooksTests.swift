import Foundation
import MandateCore
import Testing

@Suite("Standard Webhooks signing and verification")
struct StandardWebhooksTests {
    /// The known-answer vector of the Standard Webhooks reference libraries.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp = Date(timeIntervalSince1970: 1_614_265_330)
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    static func headers(_ values: [String: String]) -> (String) -> String? {
        { values[$0] }
    }

    static func signedHeaders(
        id: String = id, timestamp: Date = timestamp, body: [UInt8] = body, secret: String = secret
    ) throws -> [String: String] {
        [
            "webhook-id": id, "webhook-timestamp": String(Int(timestamp.timeIntervalSince1970)),
            "webhook-signature": try StandardWebhooks.sign(id: id, timestamp: timestamp, body: body, secret: secret),
        ]
    }

    static func verificationError(
        body: [UInt8] = body, headers: [String: String], secrets: [String] = [secret], now: Date = timestamp
    ) -> WebhookVerificationError.Reason? {
        do {
            try StandardWebhooks.verify(body: body, headers: Self.headers(headers), secrets: secrets, now: now)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("signs the reference vector")
    func knownAnswer() throws {
        #expect(
            try StandardWebhooks.sign(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: Self.secret)
                == Self.expected)
        // Sub-second parts of the timestamp are dropped, not rounded.
        #expect(
            try StandardWebhooks.sign(
                id: Self.id, timestamp: Self.timestamp.addingTimeInterval(0.999), body: Self.body, secret: Self.secret)
                == Self.expected)
    }

    @Test("verifies the reference vector and returns its id and time")
    func verifiesKnownAnswer() throws {
        let verified = try StandardWebhooks.verify(
            body: Self.body,
            headers: Self.headers([
                "webhook-id": Self.id, "webhook-timestamp": "1614265330", "webhook-signature": Self.expected,
            ]), secrets: [Self.secret], now: Self.timestamp)
        #expect(verified.id == Self.id)
        #expect(verified.timestamp == Self.timestamp)
    }

    @Test("headers() gives the three headers a receiver checks")
    func headerTriple() throws {
        let secret = try WebhookSecret(Self.secret)
        let headers = StandardWebhooks.headers(id: Self.id, timestamp: Self.timestamp, body: Self.body, secret: secret)
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.value) == [Self.id, "1614265330", Self.expected])
    }

    @Test("a missing header is named")
    func missingHeaders() throws {
        let complete = try Self.signedHeaders()
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            var headers = complete
            headers[name] = nil
            #expect(Self.verificationError(headers: headers) == .missingHeader)
            headers[name] = "  "
            #expect(Self.verificationError(headers: headers) == .missingHeader)
        }
    }

    @Test("timestamps must be whole seconds", arguments: ["abc", "1614265330.5", "-1614265330", "+1614265330", "1e9"])
    func badTimestamp(text: String) throws {
        var headers = try Self.signedHeaders()
        headers["webhook-timestamp"] = text
        #expect(Self.verificationError(headers: headers) == .badTimestamp)
    }

    @Test("the tolerance is five minutes either way, inclusive")
    func tolerance() throws {
        let headers = try Self.signedHeaders()
        #expect(Self.verificationError(headers: headers, now: Self.timestamp.addingTimeInterval(300)) == nil)
        #expect(Self.verificationError(headers: headers, now: Self.timestamp.addingTimeInterval(-300)) == nil)
        #expect(
            Self.verificationError(headers: headers, now: Self.timestamp.addingTimeInterval(301)) == .timestampTooOld)
        #expect(
            Self.verificationError(headers: headers, now: Self.timestamp.addingTimeInterval(-301)) == .timestampTooNew)
    }

    @Test("a changed body, id or timestamp breaks the signature")
    func tampering() throws {
        let headers = try Self.signedHeaders()
        #expect(
            Self.verificationError(body: Array(#"{"test": 2432232315}"#.utf8), headers: headers) == .noMatchingSignature
        )
        var otherID = headers
        otherID["webhook-id"] = "msg_other"
        #expect(Self.verificationError(headers: otherID) == .noMatchingSignature)
        var otherTime = headers
        otherTime["webhook-timestamp"] = "1614265331"
        #expect(Self.verificationError(headers: otherTime) == .noMatchingSignature)
    }

    @Test("any of several signatures may match; unknown versions and garbage are skipped")
    func severalSignatures() throws {
        var headers = try Self.signedHeaders()
        let good = headers["webhook-signature"]!
        headers["webhook-signature"] = "v1a,AAAA v1,!!notbase64 v1,dGVzdA== \(good)"
        #expect(Self.verificationError(headers: headers) == nil)
        headers["webhook-signature"] = "v1a,AAAA v2,\(good.dropFirst(3))"
        #expect(Self.verificationError(headers: headers) == .noMatchingSignature)
    }

    @Test("key rotation: several secrets are accepted")
    func rotation() throws {
        let newSecret = WebhookSecret.generate().text
        let headers = try Self.signedHeaders(secret: newSecret)
        #expect(Self.verificationError(headers: headers, secrets: [Self.secret]) == .noMatchingSignature)
        #expect(Self.verificationError(headers: headers, secrets: [Self.secret, newSecret]) == nil)
    }

    @Test(
        "malformed secrets are refused with a clear reason",
        arguments: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!!", "whsec_c2hvcnQ="])
    func malformedSecret(secret: String) throws {
        #expect(throws: WebhookVerificationError.self) { try WebhookSecret(secret) }
        let headers = try Self.signedHeaders()
        #expect(Self.verificationError(headers: headers, secrets: [secret]) == .malformedSecret)
        #expect(Self.verificationError(headers: headers, secrets: []) == .malformedSecret)
    }

    @Test("secrets without base64 padding are accepted, and text round-trips")
    func unpaddedSecret() throws {
        let generated = WebhookSecret.generate()
        let unpadded = String(generated.text.reversed().drop { $0 == "=" }.reversed())
        #expect(unpadded.count < generated.text.count)
        let reparsed = try WebhookSecret(unpadded)
        #expect(reparsed.text == generated.text)
        #expect(!generated.description.contains(String(generated.text.dropFirst(6).prefix(8))))
    }
}
