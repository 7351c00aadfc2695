import Foundation
import Glibc

/// Dedicated threads, each owning one ``SQLiteConnection``, serving one shared FIFO job queue.
///
/// SQLite calls block (file I/O, busy waits of up to the busy timeout), so they never run on
/// Swift's cooperative pool, whose few threads would starve. Each connection is confined to its
/// thread for its whole life, which is what `SQLITE_OPEN_NOMUTEX` requires. With several threads
/// (the readers) any idle one takes the next job.
final class WorkerPool: @unchecked Sendable {
    // @unchecked: `queue` and `isClosed` are read and written only while holding `mutex`;
    // `threads` and `name` are written in `init` before any other thread can see the pool.

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue = WorkQueue()
    private var isClosedFlag = false
    private var threads: [pthread_t] = []
    /// Thread name prefix (Linux allows 15 characters), e.g. `sqlite-reader`.
    let name: String

    /// Starts one thread per connection; each connection is handed to its thread and never touched
    /// by the caller again.
    init(name: String, connections: [SQLiteConnection]) throws(SQLiteError) {
        self.name = name
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
        for (index, connection) in connections.enumerated() {
            let threadName = connections.count == 1 ? name : "\(name)-\(index + 1)"
            let context = WorkerContext(pool: self, connection: connection, threadName: threadName)
            let retained = Unmanaged.passRetained(context).toOpaque()
            var thread = pthread_t()
            let code = pthread_create(&thread, nil, workerThreadMain, retained)
            guard code == 0 else {
                Unmanaged<WorkerContext>.fromOpaque(retained).release()
                close()
                throw SQLiteError(
                    reason: .other, extendedResultCode: 1,
                    message: "cannot start database thread \(threadName): pthread_create returned \(code)")
            }
            threads.append(thread)
        }
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Queues `item` for the next idle thread. Returns `false` when the pool is closed.
    func submit(_ item: WorkItem) -> Bool {
        pthread_mutex_lock(mutex)
        guard !isClosedFlag else {
            pthread_mutex_unlock(mutex)
            return false
        }
        queue.append(item)
        pthread_mutex_unlock(mutex)
        // Signalling after unlocking spares the woken thread an immediate block on the mutex.
        pthread_cond_signal(condition)
        return true
    }

    /// The most jobs that share one group-commit transaction, so that one commit stays short.
    static let maximumGroupSize = 64

    /// Blocks a worker thread until a job is queued; returns it, followed by the jobs queued
    /// right behind it that may share its transaction (group commit, see ``GroupCommit``).
    /// Empty once the pool is closed and drained.
    fileprivate func nextItems() -> [WorkItem] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queue.isEmpty && !isClosedFlag {
            pthread_cond_wait(condition, mutex)
        }
        guard let first = queue.popFirst() else { return [] }
        var items = [first]
        // Only consecutive groupable writes are taken, so jobs still run in FIFO order.
        while first.joinsGroupCommit, items.count < Self.maximumGroupSize, let next = queue.peekFirst(),
            next.joinsGroupCommit
        {
            items.append(queue.popFirst()!)
        }
        return items
    }

    /// Whether ``close()`` has been called.
    var isClosed: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return isClosedFlag
    }

    /// Whether the calling thread is one of this pool's threads.
    var isCurrentThreadWorker: Bool {
        let current = pthread_self()
        return threads.contains { pthread_equal($0, current) != 0 }
    }

    /// Refuses new jobs, lets the threads finish every queued job, then joins them (their
    /// connections close as they exit). Only the first call waits; later calls return at once.
    /// Called from one of the pool's own threads, that thread is detached instead of joined.
    func close() {
        pthread_mutex_lock(mutex)
        let wasClosed = isClosedFlag
        isClosedFlag = true
        pthread_mutex_unlock(mutex)
        guard !wasClosed else { return }
        pthread_cond_broadcast(condition)
        let current = pthread_self()
        for thread in threads {
            if pthread_equal(thread, current) != 0 {
                pthread_detach(thread)
            } else {
                pthread_join(thread, nil)
            }
        }
    }
}

/// What one worker thread owns: its connection, and the pool it takes jobs from.
private final class WorkerContext {
    let pool: WorkerPool
    let connection: SQLiteConnection
    let threadName: String

    init(pool: WorkerPool, connection: SQLiteConnection, threadName: String) {
        self.pool = pool
        self.connection = connection
        self.threadName = threadName
    }

    func run() {
        // Names the OS thread (visible in top -H and debuggers); Linux keeps 15 characters.
        Thread.current.name = threadName
        while true {
            let items = pool.nextItems()
            if items.isEmpty { return }
            if items.count == 1 {
                items[0].perform(on: connection)
            } else {
                GroupCommit.run(items, on: connection)
            }
        }
    }
}

/// The entry point of every worker thread; takes ownership of the retained ``WorkerContext``.
private func workerThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    Unmanaged<WorkerContext>.fromOpaque(argument).takeRetainedValue().run()
    return nil
}
