import Dispatch
import Glibc
import Synchronization

/// Delivers Unix signals to a callback instead of the default action (terminate).
///
/// Signals are observed with Dispatch signal sources (the default disposition set to "ignore"),
/// created once per signal for the life of the process: on Linux, cancelling a source and resetting
/// the disposition loses later deliveries, so sources are shared and watchers only subscribe.
final class SignalWatcher: Sendable {
    private let token: Int
    private let stopped = Atomic<Bool>(false)

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        token = SignalCenter.shared.subscribe(signals: signals, handler: handler)
    }

    /// Stops delivering signals to this watcher's handler.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        SignalCenter.shared.unsubscribe(token)
    }

    deinit { stop() }
}

/// The process-wide signal sources and their subscribers.
private final class SignalCenter: Sendable {
    static let shared = SignalCenter()

    /// Dispatch sources are not Sendable on Linux; they are created under the lock and then only
    /// kept alive, never touched again.
    private struct Sources: @unchecked Sendable {
        var bySignal: [Int32: any DispatchSourceSignal] = [:]
    }

    private struct Subscriber {
        var signals: Set<Int32>
        var handler: @Sendable (Int32) -> Void
    }

    private let sources = Mutex(Sources())
    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    func subscribe(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) -> Int {
        sources.withLock { sources in
            for number in signals where sources.bySignal[number] == nil {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { SignalCenter.shared.deliver(number) }
                source.resume()
                sources.bySignal[number] = source
            }
        }
        return subscribers.withLock { state in
            let token = state.next
            state.next += 1
            state.all[token] = Subscriber(signals: Set(signals), handler: handler)
            return token
        }
    }

    func unsubscribe(_ token: Int) {
        _ = subscribers.withLock { $0.all.removeValue(forKey: token) }
    }

    private func deliver(_ number: Int32) {
        let handlers = subscribers.withLock { state in
            state.all.values.filter { $0.signals.contains(number) }.map(\.handler)
        }
        for handler in handlers { handler(number) }
    }
}
