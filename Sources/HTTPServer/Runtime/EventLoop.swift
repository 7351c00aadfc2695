import CLinux
import Glibc
import Lifecycle
import Synchronization

/// One epoll instance driven by one dedicated thread, which is also a Swift `TaskExecutor`.
///
/// Why: a connection is an ordinary `async` function (read a request, await the responder, write
/// the response) running in a task whose executor preference is this loop. Socket readiness from
/// epoll resumes the waiting task *on the same thread* without a cross-thread hop or a syscall, so
/// thousands of keep-alive connections cost a suspended task each, not a thread each. Work that
/// blocks (SQLite, scrypt, curl) leaves the loop for dedicated threads and comes back through
/// `enqueue`, which wakes the loop through an eventfd.
///
/// `@unchecked Sendable`: the only state touched from other threads is `remoteJobs` (a Mutex), the
/// eventfd and the atomics; everything else is confined to the loop thread, which `inLoop`
/// asserts in debug builds.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    let index: Int
    let epollFD: Int32
    private let wakeFD: Int32
    private let remoteJobs = Mutex<[UnownedJob]>([])
    private let threadID = Atomic<UInt>(0)
    private let stopRequested = Atomic<Bool>(false)
    private let exited = Atomic<Bool>(false)

    // Loop-thread state.
    private var localJobs: [UnownedJob] = []
    private var runningJobs: [UnownedJob] = []
    /// Registered connections, indexed by file descriptor.
    var sockets: [SocketState?] = []
    var waitingSockets = 0
    /// The shared listening socket while this loop accepts (-1 otherwise).
    var listener: Int32 = -1
    var onAccept: ((Int32, String) -> Void)?
    var acceptPaused = false
    private var nextTick: UInt64 = 0
    /// Scratch space for reads; used synchronously between a `read(2)` and the parser's copy.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// `Date: …\r\n` for responses, refreshed every tick.
    private(set) var dateHeaderLine: [UInt8] = HTTPDate.headerLine()

    static let readBufferSize = 64 * 1024
    private static let tickNanoseconds: UInt64 = 250_000_000

    init(index: Int) throws(HTTPServerError) {
        self.index = index
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw HTTPServerError(.systemCall, "epoll_create1 failed: \(String(errno: errno))") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            Glibc.close(epollFD)
            throw HTTPServerError(.systemCall, "eventfd failed: \(String(errno: errno))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit {
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
        readBuffer.deallocate()
    }

    /// True on this loop's thread.
    var inLoop: Bool { pthread_self() == threadID.load(ordering: .relaxed) }

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        if inLoop {
            localJobs.append(unowned)
            return
        }
        let wasEmpty = remoteJobs.withLock { queue in
            queue.append(unowned)
            return queue.count == 1
        }
        // Only the transition from empty needs a wake-up: the loop drains the whole queue each time.
        if wasEmpty { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: Running

    /// Runs the loop on the calling thread until `stop()`.
    func run() {
        threadID.store(pthread_self(), ordering: .relaxed)
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        defer { events.deallocate() }
        nextTick = MonotonicTime.coarseNanoseconds() + Self.tickNanoseconds
        while true {
            runJobs()
            if stopRequested.load(ordering: .acquiring) { break }
            let hasWork = !localJobs.isEmpty || remoteJobs.withLock { !$0.isEmpty }
            let timeout: Int32 = hasWork ? 0 : 250
            let count = epoll_wait(epollFD, events, capacity, timeout)
            if count > 0 {
                for position in 0..<Int(count) {
                    handle(events[position])
                }
            }
            let now = MonotonicTime.coarseNanoseconds()
            if now >= nextTick {
                nextTick = now + Self.tickNanoseconds
                tick(now: now)
            }
        }
        exited.store(true, ordering: .releasing)
    }

    /// Asks the loop to exit after the jobs it already has.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        wake()
    }

    var hasExited: Bool { exited.load(ordering: .acquiring) }

    private func runJobs() {
        // A bounded number of rounds so a task that keeps re-enqueuing itself cannot starve I/O.
        for _ in 0..<8 {
            let remote = remoteJobs.withLock { queue -> [UnownedJob] in
                guard !queue.isEmpty else { return [] }
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            localJobs.append(contentsOf: remote)
            if localJobs.isEmpty { return }
            swap(&localJobs, &runningJobs)
            let executor = asUnownedTaskExecutor()
            for job in runningJobs {
                job.runSynchronously(on: executor)
            }
            runningJobs.removeAll(keepingCapacity: true)
        }
    }

    private func handle(_ event: epoll_event) {
        let fd = event.data.fd
        if fd == wakeFD {
            var value: UInt64 = 0
            _ = read(wakeFD, &value, 8)
            return
        }
        if fd == listener {
            acceptConnections()
            return
        }
        guard fd >= 0, Int(fd) < sockets.count, let state = sockets[Int(fd)] else { return }
        let flags = event.events
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            state.readable = true
            resumeReader(state, with: nil)
        }
        if flags & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            state.writable = true
            resumeWriter(state, with: nil)
        }
    }

    private func tick(now: UInt64) {
        dateHeaderLine = HTTPDate.headerLine()
        resumeAcceptingIfPaused()
        guard waitingSockets > 0 else { return }
        for case let state? in sockets where state.deadline != 0 && state.deadline <= now {
            if state.readWaiter != nil { resumeReader(state, with: .timedOut) }
            if state.writeWaiter != nil { resumeWriter(state, with: .timedOut) }
        }
    }
}

extension String {
    /// `strerror` text for an errno value.
    init(errno code: Int32) {
        self = String(cString: strerror(code))
    }
}
