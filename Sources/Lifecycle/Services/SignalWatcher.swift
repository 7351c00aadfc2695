import Glibc
import Synchronization

/// Delivers Unix signals to a callback instead of the default action (terminate).
///
/// Uses the self-pipe technique: a `sigaction` handler does nothing but `write(2)` the signal
/// number to a non-blocking pipe (async-signal-safe), and one dedicated thread reads the pipe and
/// calls the subscribers. Unlike Dispatch signal sources on Linux, this does not depend on which
/// threads block the signal, so it works whatever threads exist when it is installed.
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

/// The write end of the signal pipe. Set once, before the first handler is installed; only read
/// afterwards (including from the signal handler, which must not touch anything else).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The process-wide signal pipe, its reader thread and the subscribers.
private final class SignalCenter: Sendable {
    static let shared = SignalCenter()

    private struct Subscriber {
        var signals: Set<Int32>
        var handler: @Sendable (Int32) -> Void
    }

    private let installed = Mutex<Set<Int32>>([])
    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    private init() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        var thread = pthread_t()
        let context = Unmanaged.passRetained(ReaderContext(readEnd: readEnd)).toOpaque()
        if pthread_create(&thread, nil, signalReaderMain, context) == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<ReaderContext>.fromOpaque(context).release()
        }
    }

    func subscribe(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) -> Int {
        installed.withLock { installed in
            for number in signals where !installed.contains(number) {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { number in
                    var byte = UInt8(truncatingIfNeeded: number)
                    _ = write(signalPipeWriteEnd, &byte, 1)  // async-signal-safe; a full pipe drops it
                }
                sigemptyset(&action.sa_mask)
                action.sa_flags = Int32(SA_RESTART)
                sigaction(number, &action, nil)
                installed.insert(number)
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

    fileprivate func deliver(_ number: Int32) {
        let handlers = subscribers.withLock { state in
            state.all.values.filter { $0.signals.contains(number) }.map(\.handler)
        }
        for handler in handlers { handler(number) }
    }
}

private final class ReaderContext {
    let readEnd: Int32
    init(readEnd: Int32) { self.readEnd = readEnd }
}

private func signalReaderMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let context = Unmanaged<ReaderContext>.fromOpaque(raw!).takeRetainedValue()
    setThreadName("signals")
    var byte: UInt8 = 0
    while true {
        let count = read(context.readEnd, &byte, 1)
        if count == 1 {
            SignalCenter.shared.deliver(Int32(byte))
        } else if count < 0, errno == EINTR {
            continue
        } else {
            return nil
        }
    }
}
