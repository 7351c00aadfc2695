import Glibc
import Synchronization

/// A fixed set of threads for blocking work (password hashing), with a bounded queue.
///
/// Why not the cooperative pool: a scrypt hash holds a core for ~0.3 s and 128 MiB of memory;
/// running it on Swift's cooperative threads would stall every other request. Here at most
/// `threadCount` hashes run at once, at most `queueLimit` wait, and anything beyond is refused at
/// once (`BlockingPoolError.saturated`) so a flood of sign-ins turns into quick 503s instead of
/// unbounded memory and latency.
public final class BlockingPool: Sendable {
    private let queue: WaitQueue
    private let threads: Mutex<[pthread_t]>
    public let threadCount: Int
    public let queueLimit: Int

    /// Starts `threadCount` threads named `name-N`.
    public init(name: String, threadCount: Int, queueLimit: Int) {
        self.threadCount = max(1, threadCount)
        self.queueLimit = max(0, queueLimit)
        queue = WaitQueue()
        var started: [pthread_t] = []
        for index in 0..<self.threadCount {
            let context = Unmanaged.passRetained(ThreadContext(queue: queue, name: "\(name)-\(index)")).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, blockingPoolThreadMain, context) == 0 {
                started.append(thread)
            } else {
                Unmanaged<ThreadContext>.fromOpaque(context).release()
            }
        }
        threads = Mutex(started)
    }

    /// Runs `work` on a pool thread and returns its result.
    /// Throws `BlockingPoolError.saturated` when `queueLimit` jobs are already waiting.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = queue.push(limit: queueLimit) {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
            if !accepted { continuation.resume(throwing: BlockingPoolError.saturated) }
        }
    }

    /// Jobs waiting for a thread right now.
    public var waitingCount: Int { queue.count }

    /// Lets queued work finish, then stops the threads.
    public func shutdown() {
        queue.close()
        let taken = threads.withLock { threads -> [pthread_t] in
            let value = threads
            threads = []
            return value
        }
        for thread in taken { pthread_join(thread, nil) }
    }

    deinit { shutdown() }
}

/// Why a job was refused.
public enum BlockingPoolError: Error, Sendable, CustomStringConvertible {
    case saturated

    public var description: String { "too much blocking work is queued; try again shortly" }
}

private final class ThreadContext {
    let queue: WaitQueue
    let name: String
    init(queue: WaitQueue, name: String) {
        self.queue = queue
        self.name = name
    }
}

private func blockingPoolThreadMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let context = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
    setThreadName(context.name)
    while let job = context.queue.pop() { job() }
    return nil
}

/// A FIFO of closures guarded by a pthread mutex and condition variable.
///
/// `@unchecked Sendable`: every access to `jobs` and `closed` happens with `mutex` held.
private final class WaitQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var closed = false

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    var count: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return jobs.count - head
    }

    func push(limit: Int, _ job: @escaping @Sendable () -> Void) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard !closed, jobs.count - head < limit + 1 else { return false }
        jobs.append(job)
        pthread_cond_signal(&condition)
        return true
    }

    /// The next job, or nil once closed and drained.
    func pop() -> (@Sendable () -> Void)? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head == jobs.count {
            if closed { return nil }
            pthread_cond_wait(&condition, &mutex)
        }
        let job = jobs[head]
        head += 1
        if head > 64, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }
}
