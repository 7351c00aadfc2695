import Foundation
import Glibc
import Synchronization

/// A request as the sink read it off the wire.
struct SinkRequest: Sendable {
    var method: String
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The test clock's time when the request arrived (what a receiver's clock would say).
    var receivedAt: Date

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What the sink does with one request.
enum SinkBehavior: Sendable {
    /// Answer with this status, headers and body.
    case respond(status: Int, headers: [(String, String)] = [], body: String = "")
    /// Never answer; hold the connection open until the client gives up.
    case hang
}

/// A scripted HTTP/1.1 receiver on 127.0.0.1 for the tests: records every request and answers as
/// its script says (the script gets the request and its 0-based arrival index). Keep-alive is
/// supported because the HTTP client reuses connections. One thread per connection.
final class WebhookSink: Sendable {
    let port: Int
    private let listener: Int32
    private let script: @Sendable (SinkRequest, Int) -> SinkBehavior
    private let clock: @Sendable () -> Date
    private let recorded = Mutex<[SinkRequest]>([])
    private let stopping = Atomic<Bool>(false)
    private let threads = DispatchGroup()

    init(
        clock: @escaping @Sendable () -> Date = { Date() },
        script: @escaping @Sendable (SinkRequest, Int) -> SinkBehavior
    ) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SinkFailure("socket: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 128) == 0 else {
            close(descriptor)
            throw SinkFailure("bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        self.script = script
        self.clock = clock
        spawn { [self] in acceptLoop() }
    }

    /// A sink that answers every request with `status`.
    convenience init(clock: @escaping @Sendable () -> Date = { Date() }, always status: Int) throws {
        try self.init(clock: clock) { _, _ in .respond(status: status) }
    }

    deinit { stop() }

    func url(_ path: String = "/hooks") -> String { "http://127.0.0.1:\(port)\(path)" }

    var requests: [SinkRequest] { recorded.withLock { $0 } }

    /// Stops accepting, closes every connection and waits for the threads.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = threads.wait(timeout: .now() + 5)
        close(listener)
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        Thread.detachNewThread { [threads] in
            body()
            threads.leave()
        }
    }

    private func acceptLoop() {
        while !isStopping {
            guard Self.waitReadable(listener) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            spawn { [self] in
                serve(connection)
                close(connection)
            }
        }
    }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        while true {
            while let (request, length) = parse(buffer) {
                buffer.removeFirst(length)
                let index = recorded.withLock { list in
                    list.append(request)
                    return list.count - 1
                }
                switch script(request, index) {
                case .hang:
                    while read(connection) != nil {}
                    return
                case .respond(let status, let headers, let body):
                    var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n"
                    for (name, value) in headers { head += "\(name): \(value)\r\n" }
                    Self.writeAll(connection, Array((head + "\r\n" + body).utf8))
                }
            }
            guard let chunk = read(connection) else { return }
            buffer += chunk
        }
    }

    private func read(_ connection: Int32) -> [UInt8]? {
        while !isStopping {
            guard Self.waitReadable(connection) else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            return Array(chunk[..<count])
        }
        return nil
    }

    /// One request with `Content-Length` framing (what HTTPClient sends) from the buffer's front.
    private func parse(_ buffer: [UInt8]) -> (SinkRequest, Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4,
            let end = (0...(buffer.count - 4)).first(where: { buffer[$0..<($0 + 4)].elementsEqual(terminator) })
        else { return nil }
        var lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count == 3 else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var request = SinkRequest(
            method: requestLine[0], target: requestLine[1], headers: headers, body: [], receivedAt: clock())
        let length = Int(request.header("Content-Length") ?? "0") ?? 0
        guard buffer.count >= end + 4 + length else { return nil }
        request.body = Array(buffer[(end + 4)..<(end + 4 + length)])
        return (request, end + 4 + length)
    }

    private static func waitReadable(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 20) > 0
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

struct SinkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
