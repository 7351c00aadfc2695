import Synchronization

/// A validated request waiting in, or running from, the dispatcher's queue, together with the
/// continuation of the task that awaits it.
///
/// Exactly one of three parties completes it: the worker that ran it, the cancellation handler
/// (only while it is still queued), or shutdown (only while it is still queued). `complete(with:)`
/// resumes the continuation at most once, so a late second completion is harmless.
final class PendingRequest: Sendable {
    typealias Outcome = Result<HTTPClientResponse, HTTPClientError>

    let request: PreparedRequest
    /// Read by curl's progress callback on every call, hence an atomic rather than the mutex.
    private let cancelled = Atomic<Bool>(false)
    private let continuation = Mutex<CheckedContinuation<Outcome, Never>?>(nil)

    init(_ request: PreparedRequest) {
        self.request = request
    }

    /// Whether the awaiting task has been cancelled.
    var isCancelled: Bool {
        cancelled.load(ordering: .acquiring)
    }

    /// Stores the continuation; returns `false` when the task was already cancelled, in which case the
    /// caller must complete the request instead of queueing it.
    func attach(_ continuation: CheckedContinuation<Outcome, Never>) -> Bool {
        self.continuation.withLock { $0 = continuation }
        return !isCancelled
    }

    /// Marks the request cancelled; the dispatcher or the running worker turns that into an error.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Resumes the awaiting task with `outcome` unless it has already been resumed.
    func complete(with outcome: Outcome) {
        let waiting = continuation.withLock { stored in
            let taken = stored
            stored = nil
            return taken
        }
        waiting?.resume(returning: outcome)
    }
}
