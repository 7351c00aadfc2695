/// An incremental HTTP/1.x request parser (RFC 9112) for a server connection: feed it the bytes read from the
/// socket with `append`, then call `next()` until it returns nil.
///
/// Every request yields `.head` and then `.complete(body:)`. Pipelined requests come out one after another; a
/// body never leaks into the next request. The caller may stop calling `next()` after `.head` (to send
/// `100 Continue`, say) and resume later. The parser works on bytes, examines each byte once however the input
/// is split, creates Strings only for the final method, target and fields, and drops consumed bytes from its
/// buffer so a long-lived connection does not grow memory.
///
/// Any error poisons the parser: every later `next()` throws the same error and later input is discarded, so
/// nothing after a rejected request is ever taken for another request (request smuggling).
public struct HTTPRequestParser: Sendable {
    enum Phase: Equatable {
        case head
        case noBody
        case contentLength(Int)
        case chunked
        case trailers
    }

    /// Consumed bytes are dropped once they reach this size and at least half the buffer (amortised O(1)).
    private static let compactionThreshold = 4096
    /// An emptied buffer larger than this gives its storage back instead of keeping it for the next request.
    private static let retainedCapacity = 64 * 1024

    private let limits: HTTPParserLimits
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`.
    private var readIndex = 0
    private var phase = Phase.head
    private var scanner = HTTPHeadScanner()
    private var chunkedDecoder: HTTPChunkedBodyDecoder
    /// The current head's size and field count, which its trailer section shares.
    private var headLength = 0
    private var headFieldCount = 0
    private var failure: HTTPParseError?

    /// Creates a parser enforcing `limits` (negative limits count as 0).
    public init(limits: HTTPParserLimits = .init()) {
        var limits = limits
        limits.maxRequestLineLength = max(0, limits.maxRequestLineLength)
        limits.maxHeadLength = max(0, limits.maxHeadLength)
        limits.maxHeaderCount = max(0, limits.maxHeaderCount)
        limits.maxBodyLength = max(0, limits.maxBodyLength)
        self.limits = limits
        chunkedDecoder = HTTPChunkedBodyDecoder(maxBodyLength: limits.maxBodyLength)
        scanner.resetForRequestHead(limits: limits)
    }

    /// Adds bytes received from the connection. Ignored once the parser has failed.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received from the connection. Ignored once the parser has failed.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next event, or nil when more bytes are needed.
    ///
    /// After any error the parser is poisoned: every later call throws the same error, so nothing after a
    /// rejected request is ever parsed as another request (request smuggling).
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        if let failure { throw failure }
        do {
            return try advance()
        } catch {
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    /// Bytes received but not yet consumed (for example pipelined requests waiting their turn).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Between requests with nothing buffered: the connection's idle (keep-alive) timeout applies.
    public var isIdle: Bool {
        failure == nil && phase == .head && readIndex == buffer.count
    }

    /// A request has begun but not yet been fully produced: bytes of a new head have arrived, or a head was
    /// produced and its body is not complete. The head (or body) timeout applies. False once failed.
    public var hasPartialRequest: Bool {
        failure == nil && (phase != .head || readIndex < buffer.count)
    }

    /// The buffer's capacity, for tests that check memory stays bounded.
    var bufferCapacity: Int { buffer.capacity }

    private mutating func advance() throws(HTTPParseError) -> HTTPParserEvent? {
        // A local reference keeps the storage alive while `self` is mutated; the buffer itself is not written
        // here, so this costs a retain, not a copy.
        let storage = buffer
        return try storage.withUnsafeBufferPointer { (all) throws(HTTPParseError) -> HTTPParserEvent? in
            while true {
                let bytes = UnsafeBufferPointer(rebasing: all[readIndex...])
                switch phase {
                case .head:
                    guard let length = try scanner.scan(bytes) else { return nil }
                    let head = try Self.makeHead(bytes, scanner, maxBodyLength: limits.maxBodyLength)
                    headLength = scanner.sectionLength
                    headFieldCount = scanner.fieldCount
                    readIndex += length
                    switch head.framing {
                    case .none: phase = .noBody
                    case .contentLength(let length): phase = .contentLength(length)
                    case .chunked: phase = .chunked
                    }
                    return .head(head)
                case .noBody:
                    return finishRequest(body: [])
                case .contentLength(let length):
                    guard bytes.count >= length else { return nil }
                    let body = Array(UnsafeBufferPointer(rebasing: bytes[0..<length]))
                    readIndex += length
                    return finishRequest(body: body)
                case .chunked:
                    readIndex += try chunkedDecoder.decode(bytes)
                    guard chunkedDecoder.isAtTrailers else { return nil }
                    scanner.resetForTrailers(
                        remainingLength: limits.maxHeadLength - headLength,
                        fieldCount: headFieldCount,
                        maxFieldCount: limits.maxHeaderCount
                    )
                    phase = .trailers
                case .trailers:
                    // Trailer fields are validated like header fields and then discarded (RFC 9110 §6.5.1).
                    guard let length = try scanner.scan(bytes) else { return nil }
                    readIndex += length
                    return finishRequest(body: chunkedDecoder.takeBody())
                }
            }
        }
    }

    private mutating func finishRequest(body: [UInt8]) -> HTTPParserEvent {
        phase = .head
        chunkedDecoder = HTTPChunkedBodyDecoder(maxBodyLength: limits.maxBodyLength)
        scanner.resetForRequestHead(limits: limits)
        return .complete(body: body)
    }

    /// Drops consumed bytes before appending: all of them when everything was consumed (no copy), otherwise
    /// only once they are many and at least half the buffer, so each byte is moved O(1) times on average.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            if buffer.capacity > Self.retainedCapacity {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            readIndex = 0
        } else if readIndex >= Self.compactionThreshold && readIndex >= buffer.count - readIndex {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
