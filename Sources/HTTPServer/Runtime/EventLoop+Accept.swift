import CLinux
import Glibc

extension EventLoop {
    /// Starts accepting on the shared listening socket. Every loop adds it with `EPOLLEXCLUSIVE`, so
    /// one new connection wakes one loop instead of all (no thundering herd).
    func startAccepting(listener fd: Int32, onAccept: @escaping (Int32, String) -> Void) {
        assert(inLoop)
        listener = fd
        self.onAccept = onAccept
        addListenerToEpoll()
    }

    /// Stops accepting; the listening socket itself is closed by the server once every loop stopped.
    func stopAccepting() {
        assert(inLoop)
        guard listener >= 0 else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, listener, nil)
        listener = -1
        onAccept = nil
    }

    private func addListenerToEpoll() {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.fd = listener
        epoll_ctl(epollFD, EPOLL_CTL_ADD, listener, &event)
    }

    /// Accepts what is pending (bounded, to keep serving existing connections).
    func acceptConnections() {
        guard listener >= 0, let onAccept else { return }
        for _ in 0..<64 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if fd >= 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                onAccept(fd, SocketAddresses.hostText(of: address))
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK:
                return
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors or memory: the level-triggered listener would wake us in a busy
                // loop. Step back for a tick; pending clients wait in the kernel's backlog.
                epoll_ctl(epollFD, EPOLL_CTL_DEL, listener, nil)
                acceptPaused = true
                return
            default:
                return
            }
        }
    }

    /// Called every tick: resumes accepting after a pause for lack of descriptors.
    func resumeAcceptingIfPaused() {
        guard acceptPaused, listener >= 0 else { return }
        acceptPaused = false
        addListenerToEpoll()
    }
}
