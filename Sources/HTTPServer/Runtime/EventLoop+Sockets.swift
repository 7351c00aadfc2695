import CLinux
import Glibc
import Lifecycle

/// Per-connection readiness state, confined to its loop's thread.
///
/// `@unchecked Sendable`: it is created, read and mutated only on its loop thread (by the loop's
/// epoll dispatch and by the connection task, whose executor preference is that loop).
final class SocketState: @unchecked Sendable {
    let fd: Int32
    /// Edge-triggered readiness: true until a read returns less than asked or EAGAIN.
    var readable = true
    var writable = true
    var readWaiter: UnsafeContinuation<Void, any Error>?
    var writeWaiter: UnsafeContinuation<Void, any Error>?
    /// Monotonic deadline of the current wait (0 = none).
    var deadline: UInt64 = 0
    /// Waiting for the first byte of a new request: may be closed at once when the server drains.
    var isIdle = false
    var isClosed = false

    init(fd: Int32) {
        self.fd = fd
    }
}

/// Why a wait ended early.
enum SocketWaitError: Error {
    case timedOut
    case shuttingDown
}

extension EventLoop {
    /// Registers a connected socket, edge-triggered for input, output and peer shutdown.
    func register(fd: Int32) -> SocketState {
        assert(inLoop)
        let state = SocketState(fd: fd)
        if Int(fd) >= sockets.count {
            sockets.append(contentsOf: repeatElement(nil, count: max(Int(fd) + 1, sockets.count * 2) - sockets.count))
        }
        sockets[Int(fd)] = state
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
        return state
    }

    /// Closes the socket; closing also removes it from the epoll set.
    func close(_ state: SocketState) {
        assert(inLoop)
        guard !state.isClosed else { return }
        state.isClosed = true
        resumeReader(state, with: .shuttingDown)
        resumeWriter(state, with: .shuttingDown)
        sockets[Int(state.fd)] = nil
        _ = Glibc.close(state.fd)
    }

    /// Suspends until the socket is readable or the deadline passes.
    func waitReadable(_ state: SocketState, deadline: UInt64) async throws {
        assert(inLoop)
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            state.readWaiter = continuation
            state.deadline = deadline
            waitingSockets += 1
        }
    }

    /// Suspends until the socket is writable or the deadline passes.
    func waitWritable(_ state: SocketState, deadline: UInt64) async throws {
        assert(inLoop)
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            state.writeWaiter = continuation
            state.deadline = deadline
            waitingSockets += 1
        }
    }

    /// Resumes a reader, exactly once (the waiter is cleared first).
    func resumeReader(_ state: SocketState, with error: SocketWaitError?) {
        guard let waiter = state.readWaiter else { return }
        state.readWaiter = nil
        state.deadline = 0
        waitingSockets -= 1
        if let error { waiter.resume(throwing: error) } else { waiter.resume() }
    }

    /// Resumes a writer, exactly once.
    func resumeWriter(_ state: SocketState, with error: SocketWaitError?) {
        guard let waiter = state.writeWaiter else { return }
        state.writeWaiter = nil
        state.deadline = 0
        waitingSockets -= 1
        if let error { waiter.resume(throwing: error) } else { waiter.resume() }
    }

    /// Wakes every connection waiting for a new request so it closes (graceful drain).
    func closeIdleConnections() {
        assert(inLoop)
        for case let state? in sockets where state.isIdle && state.readWaiter != nil {
            resumeReader(state, with: .shuttingDown)
        }
    }

    /// Forced shutdown: shuts every socket down (the client sees the connection end at once) and
    /// ends every wait. The descriptors stay open until their connection tasks finish, so a
    /// number is never reused under a handler that is still running.
    func abortAllWaits() {
        assert(inLoop)
        for case let state? in sockets {
            _ = Glibc.shutdown(state.fd, Int32(SHUT_RDWR))
            resumeReader(state, with: .shuttingDown)
            resumeWriter(state, with: .shuttingDown)
        }
    }
}
