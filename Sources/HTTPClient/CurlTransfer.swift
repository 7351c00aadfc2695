/// What one transfer has received so far; curl's C callbacks reach it through their `void *` user
/// data while `curl_easy_perform` runs on the worker thread that owns it.
final class CurlTransfer {
    private let maximumBodySize: Int
    private let abortReason: () -> HTTPClientError.Reason?

    private(set) var body: [UInt8] = []
    private(set) var headers: [(name: String, value: String)] = []
    /// Set when the write callback refused data beyond the size limit.
    private(set) var exceededBodyLimit = false
    /// Set when the progress callback aborted the transfer, and why.
    private(set) var abortedBecause: HTTPClientError.Reason?

    init(maximumBodySize: Int, abortReason: @escaping () -> HTTPClientError.Reason?) {
        self.maximumBodySize = maximumBodySize
        self.abortReason = abortReason
    }

    /// Appends body bytes; returns `false` (making curl fail with `CURLE_WRITE_ERROR`) once the body
    /// would exceed the limit, which also covers bodies without a `Content-Length`.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= maximumBodySize - body.count else {
            exceededBodyLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Consumes one header line as curl delivers it, CRLF included.
    ///
    /// curl passes the header blocks of interim 1xx responses through the same callback, so every
    /// status line starts the list afresh and only the final response's fields remain
    /// (RFC 9110 §15.2).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(decoding: bytes, as: UTF8.self)
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" {
            line.removeLast()
        }
        if line.isEmpty { return }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            return
        }
        if let first = line.first, first == " " || first == "\t" {
            // Obsolete line folding (RFC 9112 §5.2): the line continues the previous field's value.
            if !headers.isEmpty {
                headers[headers.count - 1].value += " " + Self.trimmingWhitespace(line)
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = Self.trimmingWhitespace(line[..<colon])
        let value = Self.trimmingWhitespace(line[line.index(after: colon)...])
        headers.append((name: name, value: value))
    }

    /// Called from the progress callback; returns `true` to make curl abort the transfer.
    func shouldAbort() -> Bool {
        guard let reason = abortReason() else { return false }
        abortedBecause = reason
        return true
    }

    /// Strips optional whitespace (SP and HTAB, RFC 9110 §5.6.3) around a field value.
    private static func trimmingWhitespace(_ text: Substring) -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isWhitespace($0) }),
            let end = text.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(text[start...end])
    }
}
