import Foundation
import Glibc

/// Holds N idle keep-alive connections (each served one request first) and measures the server's
/// extra RSS, then times another client's requests while they are held.
enum IdleConnectionsBenchmark {
    static func run(_ arguments: [String]) async throws {
        let count = Int(option("--connections", in: arguments) ?? "1000") ?? 1000
        print("# \(count) idle keep-alive connections; \(MachineInfo.summary)")
        raiseOpenFileLimit()
        let server = try ServerUnderTest()
        defer { server.stop() }
        // Warm the server up so allocator pools exist before the baseline.
        for _ in 0..<200 { _ = try request(connect(server.port)) }
        usleep(500_000)
        let before = server.residentBytes
        var sockets: [Int32] = []
        for _ in 0..<count {
            let fd = try connect(server.port)
            _ = try request(fd)
            sockets.append(fd)
        }
        usleep(1_000_000)
        let after = server.residentBytes
        let probe = try connect(server.port)
        var latencies: [Double] = []
        for _ in 0..<2000 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try request(probe)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        latencies.sort()
        let extra = Double(after - before) / 1_048_576
        print(
            String(
                format: "RSS before %.1f MB, with %d idle connections %.1f MB: %.1f MB extra (%.1f KB per connection)",
                Double(before) / 1_048_576, count, Double(after) / 1_048_576, extra, extra * 1024 / Double(count)))
        print(
            String(
                format: "another client meanwhile: p50 %.3f ms, p99 %.3f ms, max %.3f ms over 2000 sequential requests",
                latencies[1000], latencies[1980], latencies.last!))
        var stillOpen = 0
        for fd in sockets {
            if (try? request(fd)) != nil { stillOpen += 1 }
            close(fd)
        }
        close(probe)
        print("idle connections still served afterwards: \(stillOpen)/\(count)")
    }

    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw ServerUnderTest.Failure(description: "connect failed: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    static let healthRequest = Array("GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)

    /// One request on a keep-alive connection; returns the response size.
    static func request(_ fd: Int32) throws -> Int {
        guard send(fd, healthRequest, healthRequest.count, Int32(MSG_NOSIGNAL)) == healthRequest.count else {
            throw ServerUnderTest.Failure(description: "send failed")
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while true {
            let count = recv(fd, &buffer[total], buffer.count - total, 0)
            guard count > 0 else { throw ServerUnderTest.Failure(description: "connection closed") }
            total += count
            // The response ends with the JSON body of /healthz.
            if total >= 2, buffer[total - 1] == UInt8(ascii: "}") { return total }
        }
    }

    static func raiseOpenFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
