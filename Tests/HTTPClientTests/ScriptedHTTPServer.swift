import Dispatch
import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 for the tests: it records every request, counts accepted
/// connections, supports keep-alive, and answers each request as its script says.
///
/// Every socket is polled with a short timeout so `stop()` ends all threads promptly.
final class ScriptedHTTPServer: Sendable {
    private struct State {
        var requests: [RecordedRequest] = []
        var acceptedConnections = 0
        var openConnections = 0
        var mostOpenConnections = 0
    }

    /// The ephemeral port the server listens on.
    let port: Int
    private let listener: Int32
    private let script: @Sendable (RecordedRequest) -> ScriptedBehavior
    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)
    private let threads = DispatchGroup()

    /// Starts listening; `script` decides the answer to every request.
    init(script: @escaping @Sendable (RecordedRequest) -> ScriptedBehavior) throws {
        (listener, port) = try LoopbackSocket.listen(backlog: 128)
        self.script = script
        spawn { [self] in acceptLoop() }
    }

    /// A server that answers every request with `response`.
    convenience init(answering response: ScriptedResponse = ScriptedResponse()) throws {
        try self.init { _ in .respond(response) }
    }

    deinit {
        stop()
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String = "/") -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Every request received so far, in arrival order.
    var requests: [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// How many TCP connections the server has accepted.
    var acceptedConnections: Int {
        state.withLock { $0.acceptedConnections }
    }

    /// The largest number of connections that were open at the same time.
    var mostOpenConnections: Int {
        state.withLock { $0.mostOpenConnections }
    }

    /// Stops accepting, closes every connection, and waits for the server's threads to end.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = threads.wait(timeout: .now() + 5)
        close(listener)
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        Thread.detachNewThread { [threads] in
            body()
            threads.leave()
        }
    }

    private var isStopping: Bool {
        stopping.load(ordering: .acquiring)
    }

    private func acceptLoop() {
        while !isStopping {
            guard LoopbackSocket.waitReadable(listener, milliseconds: 20) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            state.withLock {
                $0.acceptedConnections += 1
                $0.openConnections += 1
                $0.mostOpenConnections = max($0.mostOpenConnections, $0.openConnections)
            }
            spawn { [self] in
                serve(connection)
                close(connection)
                state.withLock { $0.openConnections -= 1 }
            }
        }
    }

    /// Serves requests on one connection until the peer closes it, the script closes it, or the
    /// server stops.
    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        while true {
            while let (request, length) = RecordedRequest.parse(buffer) {
                buffer.removeFirst(length)
                state.withLock { $0.requests.append(request) }
                switch script(request) {
                case .hang:
                    drainUntilClosed(connection)
                    return
                case .respond(let response, let delay):
                    if delay > .zero {
                        usleep(
                            UInt32(
                                delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000)
                        )
                    }
                    LoopbackSocket.writeAll(connection, response.bytes)
                    if response.closesConnection || !response.sendsContentLength { return }
                }
            }
            guard let chunk = readChunk(connection) else { return }
            buffer.append(contentsOf: chunk)
        }
    }

    /// The next bytes from `connection`, or `nil` once it is closed or the server stops.
    private func readChunk(_ connection: Int32) -> [UInt8]? {
        while !isStopping {
            guard LoopbackSocket.waitReadable(connection, milliseconds: 20) else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            return Array(chunk[..<count])
        }
        return nil
    }

    private func drainUntilClosed(_ connection: Int32) {
        while readChunk(connection) != nil {}
    }
}
