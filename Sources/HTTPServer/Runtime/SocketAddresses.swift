import CLinux
import Glibc

/// Socket address helpers: textual peer addresses and listening sockets.
enum SocketAddresses {
    /// The numeric host of an IPv4 or IPv6 socket address (IPv4-mapped IPv6 shown as IPv4).
    static func hostText(of storage: sockaddr_storage) -> String {
        var storage = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var inAddress = address.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &inAddress, &buffer, socklen_t(buffer.count))
                }
            }
        case AF_INET6:
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var inAddress = address.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &inAddress, &buffer, socklen_t(buffer.count))
                }
            }
        default:
            return "unknown"
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
    }

    /// Creates, binds and listens on a non-blocking TCP socket; returns it and the bound port.
    static func listen(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        guard (0...65535).contains(port) else {
            throw HTTPServerError(.invalidAddress, "port \(port) is outside 0…65535")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let lookupHost = host == "localhost" ? "127.0.0.1" : host
        let status = getaddrinfo(lookupHost.isEmpty ? nil : lookupHost, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw HTTPServerError(
                .invalidAddress, "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(results) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(.systemCall, "socket failed: \(String(errno: errno))") }
        var one: Int32 = 1
        // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT; on Linux
        // it does not let two live listeners share the port, so "address in use" is still detected.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            let code = errno
            close(fd)
            switch code {
            case EADDRINUSE:
                throw HTTPServerError(.addressInUse, "\(host):\(port) is already in use by another process")
            case EACCES:
                throw HTTPServerError(.permissionDenied, "not allowed to listen on \(host):\(port)")
            default:
                throw HTTPServerError(.invalidAddress, "cannot listen on \(host):\(port): \(String(errno: code))")
            }
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError(.systemCall, "listen failed: \(String(errno: code))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let boundPort: Int = withUnsafePointer(to: &bound) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        return (fd, boundPort)
    }
}
