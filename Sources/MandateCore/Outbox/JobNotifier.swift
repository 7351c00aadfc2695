import Synchronization

/// Wakes in-process job workers as soon as a transaction that enqueued jobs has committed.
///
/// Call ``notify()`` after the commit, never inside the transaction: a worker woken before the
/// commit would find nothing to claim and go back to sleep. Workers in other processes are not
/// reached; they find new jobs by polling (every second by default, see the worker pool's
/// `pollInterval`).
public final class JobNotifier: Sendable {
    /// Identifies one observer, to remove it again.
    public struct Observation: Sendable, Hashable {
        let id: Int
    }

    private struct State {
        var nextID = 0
        var observers: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Creates a notifier with no observers.
    public init() {}

    /// Tells every observer that new jobs may be claimable. Cheap; never blocks on the database.
    public func notify() {
        let observers = state.withLock { Array($0.observers.values) }
        for observer in observers {
            observer()
        }
    }

    /// Calls `handler` on every ``notify()`` until ``removeObserver(_:)``. The handler must be
    /// quick and must not block (it runs on the notifying thread).
    public func addObserver(_ handler: @escaping @Sendable () -> Void) -> Observation {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.observers[id] = handler
            return Observation(id: id)
        }
    }

    /// Stops calling the observer registered as `observation`.
    public func removeObserver(_ observation: Observation) {
        _ = state.withLock { $0.observers.removeValue(forKey: observation.id) }
    }
}
