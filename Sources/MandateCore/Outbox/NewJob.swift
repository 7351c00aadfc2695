public import Foundation

/// A job to record in the outbox, described by the service that wants the side effect.
///
/// The payload is JSON, checked when the job is built so that a worker never meets an
/// undecodable row. It is the only clear copy of what will be sent (an SMS code included), so
/// keep in it only what the handler needs.
public struct NewJob: Sendable {
    /// The handler that will run it, e.g. ``JobKind/smsSend``.
    public var kind: String
    /// UTF-8 JSON.
    public private(set) var payload: [UInt8]
    /// Lower runs first (see ``JobKind``).
    public var priority: Int
    /// Not before this instant; `nil` means at once (the enqueue time).
    public var runAt: Date?
    /// Never delivered at or after this instant: an SMS code that has expired is dead-lettered
    /// as `expired` instead.
    public var notAfter: Date?
    /// Attempts before the job is dead-lettered (at least 1).
    public var maxAttempts: Int
    /// When set, enqueueing a second job with the same key does nothing.
    public var idempotencyKey: String?
    /// The tenant the job acts for, for filtering and statistics.
    public var tenantID: String?

    /// A job whose payload is already JSON text.
    ///
    /// - Throws: ``OutboxError`` with reason `invalidPayload` when `payloadJSON` is not UTF-8 JSON.
    public init(
        kind: String, payloadJSON: [UInt8], priority: Int? = nil, runAt: Date? = nil, notAfter: Date? = nil,
        maxAttempts: Int? = nil, idempotencyKey: String? = nil, tenantID: String? = nil
    ) throws(OutboxError) {
        guard String(validating: payloadJSON, as: UTF8.self) != nil,
            (try? JSONSerialization.jsonObject(with: Data(payloadJSON), options: [.fragmentsAllowed])) != nil
        else {
            throw OutboxError(.invalidPayload, "the payload of a '\(kind)' job is not UTF-8 JSON")
        }
        self.kind = kind
        self.payload = payloadJSON
        self.priority = priority ?? JobKind.defaultPriority(for: kind)
        self.runAt = runAt
        self.notAfter = notAfter
        self.maxAttempts = maxAttempts ?? JobKind.defaultMaxAttempts(for: kind)
        self.idempotencyKey = idempotencyKey
        self.tenantID = tenantID
    }

    /// A job whose payload is `payload` encoded as JSON (keys sorted, so equal values give equal
    /// bytes).
    ///
    /// - Throws: ``OutboxError`` with reason `invalidPayload` when encoding fails.
    public init(
        kind: String, payload: some Encodable, priority: Int? = nil, runAt: Date? = nil, notAfter: Date? = nil,
        maxAttempts: Int? = nil, idempotencyKey: String? = nil, tenantID: String? = nil
    ) throws(OutboxError) {
        let encoded: Data
        do {
            encoded = try OutboxJSON.encoder.encode(payload)
        } catch {
            throw OutboxError(.invalidPayload, "the payload of a '\(kind)' job cannot be encoded as JSON: \(error)")
        }
        self.kind = kind
        self.payload = [UInt8](encoded)
        self.priority = priority ?? JobKind.defaultPriority(for: kind)
        self.runAt = runAt
        self.notAfter = notAfter
        self.maxAttempts = maxAttempts ?? JobKind.defaultMaxAttempts(for: kind)
        self.idempotencyKey = idempotencyKey
        self.tenantID = tenantID
    }

    /// Checks the fields that the type system cannot: a kind, at least one attempt, a deadline
    /// after the start.
    func validate(now: Date) throws(OutboxError) {
        guard !kind.isEmpty else { throw OutboxError(.invalidJob, "a job needs a kind") }
        guard maxAttempts >= 1 else {
            throw OutboxError(.invalidJob, "a '\(kind)' job needs at least one attempt (got \(maxAttempts))")
        }
        if let notAfter, notAfter <= (runAt ?? now) {
            throw OutboxError(.invalidJob, "a '\(kind)' job has a deadline (notAfter) that is not after its start")
        }
        if let idempotencyKey, idempotencyKey.isEmpty {
            throw OutboxError(.invalidJob, "an idempotency key may not be empty (use nil for none)")
        }
    }
}
