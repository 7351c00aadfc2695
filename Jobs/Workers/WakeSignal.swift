import Synchronization

/// A wake-up call for one waiting task, with an optional timeout.
///
/// A signal sent while nobody waits is kept (once) for the next wait, so a notification that
/// arrives between "the queue looked empty" and "go to sleep" is never lost.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var waiterID = 0
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after a signal, after `timeout` (nil: no timeout), or when the task is cancelled.
    /// Only one task may wait at a time.
    func wait(timeout: Duration?) async {
        let id = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.waiterID += 1
            return state.waiterID
        }
        guard let id else { return }
        let timer = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.wake(waiterID: id)
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    // A signal, the timer or a cancellation may have come before the continuation.
                    if state.pending || state.waiterID != id || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            wake(waiterID: id)
        }
        timer?.cancel()
    }

    /// Resumes the waiter `id` if it is still the one waiting (used by its timer and by
    /// cancellation; a stale timer must not wake a later wait).
    private func wake(waiterID id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.waiterID == id else { return nil }
            // Invalidate the id so that a continuation installed after this point resumes at once.
            state.waiterID += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
