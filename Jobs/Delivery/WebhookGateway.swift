public import MandateCore

/// An outbound webhook endpoint (the SMS gateway, the email gateway): where to POST and how to
/// sign.
public struct WebhookGateway: Sendable {
    /// A stable name (`sms`, `email`): the key of its row in `webhook_endpoints`, which records
    /// whether it was disabled by a 410.
    public var name: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// The Standard Webhooks secret shared with the receiver.
    public var secret: WebhookSecret
    /// Overrides the HTTP client's total timeout (15 s by default) for this endpoint.
    public var timeout: Duration?

    /// Creates a gateway.
    ///
    /// - Throws: ``JobQueueError`` `invalidConfiguration` when the URL is not `http://` or
    ///   `https://` (other schemes are never used, whatever the configuration says) or the name is
    ///   empty. The HTTP client checks the rest of the URL before each request.
    public init(name: String, url: String, secret: WebhookSecret, timeout: Duration? = nil) throws(JobQueueError) {
        let lowercased = url.lowercased()
        guard lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") else {
            throw JobQueueError(.invalidConfiguration, "the URL of webhook endpoint '\(name)' must be http or https")
        }
        guard !name.isEmpty else {
            throw JobQueueError(.invalidConfiguration, "a webhook endpoint needs a name")
        }
        self.name = name
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }

    /// Creates a gateway from a `whsec_…` secret text.
    ///
    /// - Throws: ``JobQueueError`` `invalidConfiguration` for a bad URL, name or secret.
    public init(name: String, url: String, secret: String, timeout: Duration? = nil) throws(JobQueueError) {
        let parsed: WebhookSecret
        do {
            parsed = try WebhookSecret(secret)
        } catch {
            throw JobQueueError(.invalidConfiguration, "the secret of webhook endpoint '\(name)': \(error.message)")
        }
        try self.init(name: name, url: url, secret: parsed, timeout: timeout)
    }
}
