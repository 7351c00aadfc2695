import Glibc

/// Starts and joins plain POSIX threads for the dispatcher's workers.
///
/// Foundation's `Thread` cannot be joined, and `shutdown()` promises that the workers have exited
/// (and freed their curl handles) when it returns, so pthreads are used directly.
enum WorkerThread {
    /// Carries the thread body through pthread_create's `void *` argument.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`; returns `nil` when the system refuses a new thread.
    static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    /// Waits for `thread` to exit.
    static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }
}
