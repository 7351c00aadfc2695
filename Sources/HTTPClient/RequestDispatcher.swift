import Dispatch
import Foundation
import Glibc
import Synchronization

/// The job queue and worker threads behind ``HTTPClient``.
///
/// Blocking curl calls must never run on Swift's cooperative pool, so each request is handed to a
/// dedicated worker thread. Workers start lazily, one per queued request that finds no idle worker,
/// up to `maximumConcurrentRequests`. An idle worker parks on its own semaphore; `enqueue` wakes the
/// most recently parked one (LIFO), whose easy handle most likely holds a warm connection.
final class RequestDispatcher: Sendable {
    private struct State {
        var queue = RequestQueue()
        /// Parked workers, most recently parked last.
        var idleWorkers: [DispatchSemaphore] = []
        var threads: [pthread_t] = []
        var isShutdown = false
    }

    private let configuration: HTTPClient.Configuration
    private let maximumWorkers: Int
    private let state = Mutex(State())
    /// Read by curl's progress callback on every call, hence an atomic besides `state.isShutdown`.
    private let shuttingDown = Atomic<Bool>(false)

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
        self.maximumWorkers = max(1, configuration.maximumConcurrentRequests)
    }

    /// How many requests wait for a worker; for tests and metrics.
    var queuedRequestCount: Int {
        state.withLock { $0.queue.count }
    }

    /// How many worker threads have been started; for tests and metrics.
    var workerThreadCount: Int {
        state.withLock { $0.threads.count }
    }

    /// Queues `request` for a worker, or completes it at once if the client is shut down, the task is
    /// already cancelled, or no worker thread can be started.
    func enqueue(_ request: PendingRequest) {
        enum Decision {
            case queued
            case wake(DispatchSemaphore)
            case reject(HTTPClientError)
        }
        let decision: Decision = state.withLock { state in
            if state.isShutdown { return .reject(.shutdownError) }
            // Checked under the queue lock: `removeQueued` runs after `cancel()`, so either it finds
            // the request in the queue or this check sees the cancellation.
            if request.isCancelled { return .reject(.cancelledError) }
            state.queue.append(request)
            if let idle = state.idleWorkers.popLast() { return .wake(idle) }
            guard state.threads.count < maximumWorkers else { return .queued }
            // Started under the lock so that `shutdown` always sees, and joins, every thread.
            if let thread = WorkerThread.start({ [self] in runWorker() }) {
                state.threads.append(thread)
                return .queued
            }
            if state.threads.isEmpty {
                _ = state.queue.remove(request)
                return .reject(
                    HTTPClientError(reason: .resourceUnavailable, message: "could not start an HTTP worker thread"))
            }
            return .queued
        }
        switch decision {
        case .queued: break
        case .wake(let worker): worker.signal()
        case .reject(let error): request.complete(with: .failure(error))
        }
    }

    /// Removes `request` if no worker has taken it yet; returns whether it was removed.
    func removeQueued(_ request: PendingRequest) -> Bool {
        state.withLock { $0.queue.remove(request) }
    }

    /// Fails queued requests with `.shutdown`, aborts running ones, and lets the worker threads exit.
    func shutdown() {
        let (abandoned, idle, threads) = state.withLock { state in
            if state.isShutdown { return ([PendingRequest](), [DispatchSemaphore](), [pthread_t]()) }
            state.isShutdown = true
            shuttingDown.store(true, ordering: .releasing)
            let taken = (state.queue.removeAll(), state.idleWorkers, state.threads)
            state.idleWorkers = []
            state.threads = []
            return taken
        }
        for request in abandoned {
            request.complete(with: .failure(.shutdownError))
        }
        for worker in idle {
            worker.signal()
        }
        // Running transfers stop at curl's next progress check (within about a second). Their
        // threads are joined on a thread of their own, so that the caller (often a task on the
        // cooperative pool) never blocks for that long.
        guard !threads.isEmpty else { return }
        let reaper = Thread {
            for thread in threads { WorkerThread.join(thread) }
        }
        reaper.name = "http-client-reaper"
        reaper.start()
    }

    /// The body of every worker thread: take the next request, run it on this thread's easy handle,
    /// park when there is nothing to do, exit on shutdown.
    private func runWorker() {
        let wakeup = DispatchSemaphore(value: 0)
        let handle = CurlEasyHandle()
        var finished: (request: PendingRequest, outcome: PendingRequest.Outcome)?
        while true {
            enum Next {
                case run(PendingRequest)
                case park
                case exit
            }
            let next: Next = state.withLock { state in
                if let request = state.queue.popFirst() { return .run(request) }
                if state.isShutdown { return .exit }
                state.idleWorkers.append(wakeup)
                return .park
            }
            // Completed only after this worker is back in the idle list (or holds its next request), so
            // a caller that sends its next request right away finds this worker, and its connection,
            // idle instead of starting another thread.
            if let done = finished {
                done.request.complete(with: done.outcome)
                finished = nil
            }
            switch next {
            case .run(let request):
                finished = (request, perform(request, on: handle))
            case .park:
                wakeup.wait()
            case .exit:
                return
            }
        }
    }

    private func perform(_ request: PendingRequest, on handle: CurlEasyHandle?) -> PendingRequest.Outcome {
        if shuttingDown.load(ordering: .acquiring) { return .failure(.shutdownError) }
        if request.isCancelled { return .failure(.cancelledError) }
        guard let handle else {
            return .failure(HTTPClientError(reason: .resourceUnavailable, message: "curl_easy_init failed"))
        }
        return handle.perform(request.request) { [self] in
            if shuttingDown.load(ordering: .acquiring) { return .shutdown }
            if request.isCancelled { return .cancelled }
            return nil
        }
    }
}
