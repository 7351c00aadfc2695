import Glibc

/// Small Glibc socket helpers shared by the test servers; every address is on 127.0.0.1.
enum LoopbackSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A listening TCP socket on 127.0.0.1 with an ephemeral port (port 0 asks the kernel for one).
    /// A bound socket that does not listen: connects to its port are refused, and while it is
    /// held no other test can take the port (a port closed after use may be reused at once).
    static func refusing() throws -> (descriptor: Int32, port: Int) {
        try listen(backlog: nil)
    }

    static func listen(backlog: Int32?) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, backlog.map({ Glibc.listen(descriptor, $0) == 0 }) ?? true else {
            close(descriptor)
            throw Failure(description: "bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Starts a non-blocking connect to 127.0.0.1:`port` and returns the socket without waiting.
    static func startConnecting(to port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = loopbackAddress(port: port)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return descriptor
    }

    /// Waits up to `milliseconds` for `descriptor` to become readable; `true` when it is.
    static func waitReadable(_ descriptor: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Writes all of `bytes`, ignoring a peer that has gone away (MSG_NOSIGNAL avoids SIGPIPE).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// A listener with a backlog of 0 whose queue is filled by connections nobody accepts.
///
/// Linux drops further SYNs while a listener's accept queue is full, so a new connection attempt
/// neither succeeds nor is refused: it hangs until the client's connect timeout. That makes the
/// connect timeout testable deterministically on loopback, unlike an unroutable address.
final class FullBacklogListener {
    let port: Int
    private let descriptor: Int32
    private var fillers: [Int32] = []

    init() throws {
        (descriptor, port) = try LoopbackSocket.listen(backlog: 0)
        for _ in 0..<3 {
            fillers.append(LoopbackSocket.startConnecting(to: port))
        }
        // Let the kernel finish the handshakes that fit into the queue.
        usleep(100_000)
    }

    deinit {
        for filler in fillers { close(filler) }
        close(descriptor)
    }
}
