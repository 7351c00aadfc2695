/// An HTTP/1.1 and HTTP/2 client over libcurl for delivering webhooks.
///
/// ## Threading and connection reuse
/// libcurl's easy interface blocks, so requests never run on Swift's cooperative pool. A
/// ``RequestDispatcher`` keeps a FIFO job queue and up to `maximumConcurrentRequests` dedicated
/// worker threads, started lazily. Each worker owns one curl easy handle for its whole life; curl keeps
/// the connection cache inside that handle, so a worker reuses its keep-alive connections between
/// requests. Idle workers are woken most-recently-idle first, so under light load the same warm
/// connection is reused instead of opening one per worker. The multi interface was not chosen: one
/// event-loop thread would serialise response parsing and TLS work onto a single core, and sharing
/// one connection cache across threads through a curl share object is documented as unsupported.
///
/// ## Security rules
/// Only `http` and `https` are allowed, checked before any network activity and again by curl
/// (`CURLOPT_PROTOCOLS_STR`). Redirects are never followed. Proxy settings from the environment are
/// ignored so that where a webhook goes depends only on its URL. TLS peers are always verified.
public final class HTTPClient: Sendable {
    /// The configuration this client was created with.
    public let configuration: Configuration
    private let dispatcher: RequestDispatcher

    /// Creates a client; no thread starts until the first request.
    public init(configuration: Configuration = Configuration()) {
        CurlGlobal.initializeOnce()
        self.configuration = configuration
        self.dispatcher = RequestDispatcher(configuration: configuration)
    }

    deinit {
        dispatcher.shutdown()
    }

    /// The dispatcher, for tests that observe the queue and worker threads.
    var dispatcherForTesting: RequestDispatcher {
        dispatcher
    }

    /// Sends `request` and returns the final response, whatever its status code.
    ///
    /// The URL and headers are validated before the request is queued, so a rejected request never
    /// touches the network. Cancelling the calling task fails a queued request at once and aborts a
    /// running one at curl's next progress callback, both with ``HTTPClientError/Reason/cancelled``.
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let prepared = try PreparedRequest(request, configuration: configuration)
        let pending = PendingRequest(prepared)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if pending.attach(continuation) {
                    dispatcher.enqueue(pending)
                } else {
                    pending.complete(with: .failure(.cancelledError))
                }
            }
        } onCancel: {
            pending.cancel()
            if dispatcher.removeQueued(pending) {
                pending.complete(with: .failure(.cancelledError))
            }
        }
        return try result.get()
    }

    /// Stops the client: queued requests fail with ``HTTPClientError/Reason/shutdown``, running ones
    /// are aborted at curl's next progress callback (about a second at most), later calls to
    /// ``execute(_:)`` fail at once; worker threads finish their aborted transfers and exit in the
    /// background (joined by a thread of their own), so this never blocks the caller.
    public func shutdown() {
        dispatcher.shutdown()
    }
}
