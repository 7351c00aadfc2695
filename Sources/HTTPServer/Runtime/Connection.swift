import Glibc
import Lifecycle

/// One client connection: reads requests, answers them in order, and closes on error, timeout,
/// `Connection: close` or server drain. Runs as a task whose executor preference is `loop`.
///
/// Not Sendable: it lives inside its one task.
final class Connection {
    private let loop: EventLoop
    private let socket: SocketState
    private let peer: String
    private let shared: ServerShared
    private var parser: HTTPRequestParser
    private var output: [UInt8] = []
    private let acceptedAt: UInt64
    private var idleSince: UInt64 = 0
    private var headStartedAt: UInt64 = 0
    private var servedRequests = 0

    init(loop: EventLoop, socket: SocketState, peer: String, shared: ServerShared) {
        self.loop = loop
        self.socket = socket
        self.peer = peer
        self.shared = shared
        self.parser = HTTPRequestParser(limits: shared.configuration.limits)
        self.acceptedAt = MonotonicTime.coarseNanoseconds()
    }

    private enum ReadOutcome {
        case event(HTTPParserEvent)
        case closed
        case rejected(HTTPParseError)
        case timedOut(partial: Bool)
    }

    /// Serves requests until the connection ends; always closes the socket.
    func run() async {
        defer {
            loop.close(socket)
            shared.releaseConnection()
        }
        while true {
            let head: HTTPRequestHead
            switch await nextEvent(waitingForHead: true) {
            case .event(.head(let received)):
                head = received
            case .event(.complete):
                return  // Cannot happen: the parser always yields a head first.
            case .closed:
                return
            case .rejected(let error):
                await answerAndClose(status: error.status, message: error.reason)
                return
            case .timedOut(let partial):
                if partial { await answerAndClose(status: 408, message: "The request head did not arrive in time.") }
                return
            }
            headStartedAt = 0
            if head.expectsContinue {
                // RFC 9110 §10.1.1: tell the client to send the body it is holding back.
                output.removeAll(keepingCapacity: true)
                output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
                guard await writeOutput() else { return }
            }
            let body: [UInt8]
            switch await nextEvent(waitingForHead: false) {
            case .event(.complete(let received)):
                body = received
            case .event(.head), .closed:
                return
            case .rejected(let error):
                await answerAndClose(status: error.status, message: error.reason)
                return
            case .timedOut:
                await answerAndClose(status: 408, message: "The request body did not arrive in time.")
                return
            }
            let request = makeRequest(head: head, body: body)
            let response = await shared.responder.respond(to: request)
            servedRequests += 1
            let keepAlive =
                head.keepAlive && !shared.isDraining
                && response.headers["Connection"].map { !$0.lowercased().contains("close") } ?? true
            output.removeAll(keepingCapacity: true)
            ResponseEncoder.encode(
                response, isHead: head.method == "HEAD", keepAlive: keepAlive, version: head.version,
                dateLine: loop.dateHeaderLine, into: &output)
            guard await writeOutput() else { return }
            if output.capacity > 256 * 1024 { output = [] }  // Do not keep a large buffer for an idle connection.
            if !keepAlive {
                await lingeringClose()
                return
            }
            idleSince = MonotonicTime.coarseNanoseconds()
        }
    }

    // MARK: Reading

    private func nextEvent(waitingForHead: Bool) async -> ReadOutcome {
        while true {
            do {
                if let event = try parser.next() { return .event(event) }
            } catch {
                return .rejected(error)
            }
            let now = MonotonicTime.coarseNanoseconds()
            let deadline: UInt64
            if waitingForHead {
                if parser.hasPartialRequest {
                    if headStartedAt == 0 { headStartedAt = now }
                    socket.isIdle = false
                    // A fresh connection's head timeout runs from accept, so silence counts too.
                    deadline = (servedRequests == 0 ? acceptedAt : headStartedAt) + shared.headTimeout
                } else {
                    if shared.isDraining { return .closed }
                    socket.isIdle = true
                    deadline = servedRequests == 0 ? acceptedAt + shared.headTimeout : idleSince + shared.idleTimeout
                }
            } else {
                socket.isIdle = false
                deadline = now + shared.bodyTimeout
            }
            if now >= deadline { return .timedOut(partial: parser.hasPartialRequest || !waitingForHead) }
            if !socket.readable {
                do {
                    try await loop.waitReadable(socket, deadline: deadline)
                } catch SocketWaitError.timedOut {
                    return .timedOut(partial: parser.hasPartialRequest || !waitingForHead)
                } catch {
                    return .closed
                }
            }
            let buffer = loop.readBuffer
            let count = read(socket.fd, buffer.baseAddress, buffer.count)
            if count > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                // Edge-triggered epoll: a short read drained the socket, so wait for the next edge.
                if count < buffer.count { socket.readable = false }
            } else if count == 0 {
                return .closed
            } else {
                switch errno {
                case EAGAIN, EWOULDBLOCK: socket.readable = false
                case EINTR: continue
                default: return .closed
                }
            }
        }
    }

    private func makeRequest(head: HTTPRequestHead, body: [UInt8]) -> HTTPRequest {
        var clientAddress = peer
        var isSecure = false
        if !shared.trustedProxies.isEmpty, shared.trustedProxies.contains(peer) {
            // Behind a trusted proxy: the client is the right-most address that is not a proxy.
            if let forwardedFor = head.headers["X-Forwarded-For"] {
                let hops = forwardedFor.split(separator: ",").map { $0.trimmingASCIISpaces() }
                if let client = hops.last(where: { !shared.trustedProxies.contains($0) }) ?? hops.first {
                    clientAddress = client
                }
            }
            isSecure = head.headers["X-Forwarded-Proto"]?.lowercased() == "https"
        }
        return HTTPRequest(
            method: HTTPMethod(head.method), target: head.target, version: head.version, headers: head.headers,
            body: body, clientAddress: clientAddress, isSecure: isSecure)
    }

    // MARK: Writing

    /// Writes `output` completely; false when the peer went away or stalled past the write timeout.
    private func writeOutput() async -> Bool {
        var offset = 0
        let total = output.count
        while offset < total {
            let written = output.withUnsafeBytes { bytes in
                send(socket.fd, bytes.baseAddress! + offset, total - offset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0, errno == EINTR { continue }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
            socket.writable = false
            do {
                try await loop.waitWritable(socket, deadline: MonotonicTime.coarseNanoseconds() + shared.writeTimeout)
            } catch {
                return false
            }
        }
        return true
    }

    /// Answers a request that never reached the responder, then closes.
    private func answerAndClose(status: Int, message: String) async {
        output.removeAll(keepingCapacity: true)
        ResponseEncoder.encodeError(status: status, message: message, dateLine: loop.dateHeaderLine, into: &output)
        guard await writeOutput() else { return }
        await lingeringClose()
    }

    /// Half-closes and reads what the client still sends for a moment before closing: closing with
    /// unread data makes the kernel send RST, which can destroy the response before the client reads
    /// it (RFC 9112 §9.6).
    private func lingeringClose() async {
        shutdown(socket.fd, Int32(SHUT_WR))
        let deadline = MonotonicTime.coarseNanoseconds() + 2_000_000_000
        var discarded = 0
        while discarded < 4 << 20 {
            if !socket.readable {
                do { try await loop.waitReadable(socket, deadline: deadline) } catch { return }
            }
            let count = read(socket.fd, loop.readBuffer.baseAddress, loop.readBuffer.count)
            if count > 0 {
                discarded += count
                if count < loop.readBuffer.count { socket.readable = false }
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                socket.readable = false
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
