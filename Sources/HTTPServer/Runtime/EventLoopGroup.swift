import CLinux
import Glibc
import Synchronization

/// A fixed set of event loops, one thread each.
final class EventLoopGroup: Sendable {
    let loops: [EventLoop]
    private let threads: Mutex<[pthread_t]>
    private let nextIndex = Atomic<Int>(0)

    init(count: Int) throws(HTTPServerError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, count) {
            loops.append(try EventLoop(index: index))
        }
        self.loops = loops
        var threads: [pthread_t] = []
        for loop in loops {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(loop).toOpaque()
            let result = pthread_create(&thread, nil, eventLoopThreadMain, context)
            if result != 0 {
                Unmanaged<EventLoop>.fromOpaque(context).release()
                for started in loops where started !== loop { started.stop() }
                for existing in threads { pthread_join(existing, nil) }
                throw HTTPServerError(.systemCall, "could not start an event loop thread: \(String(errno: result))")
            }
            threads.append(thread)
        }
        self.threads = Mutex(threads)
    }

    /// Loops take new connections in turn, so a burst accepted by one loop still spreads evenly.
    func next() -> EventLoop {
        loops[nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Stops every loop and waits for the threads to exit.
    func shutdown() {
        for loop in loops { loop.stop() }
        let taken = threads.withLock { threads -> [pthread_t] in
            let value = threads
            threads = []
            return value
        }
        for thread in taken { pthread_join(thread, nil) }
    }
}

private func eventLoopThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let loop = Unmanaged<EventLoop>.fromOpaque(context!).takeRetainedValue()
    pthread_setname_np(pthread_self(), "http-loop-\(loop.index)")
    loop.run()
    return nil
}
