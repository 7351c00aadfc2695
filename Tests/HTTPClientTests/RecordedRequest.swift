/// A request as the scripted server parsed it off the wire.
struct RecordedRequest: Sendable {
    var method: String
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header called `name`, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Parses one request from the front of `buffer`; returns it and its length in bytes, or `nil`
    /// while the buffer does not yet hold a complete request. Only `Content-Length` framing is
    /// understood, which is what HTTPClient sends.
    static func parse(_ buffer: [UInt8]) -> (request: RecordedRequest, length: Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4,
            let headerEnd = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<($0 + 4)]) == terminator })
        else { return nil }
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count == 3 else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingPrefix(while: { $0 == " " })
            return (String(line[..<colon]), String(value))
        }
        var request = RecordedRequest(method: requestLine[0], target: requestLine[1], headers: headers, body: [])
        let bodyLength = Int(request.header("Content-Length") ?? "0") ?? 0
        let bodyStart = headerEnd + 4
        guard buffer.count >= bodyStart + bodyLength else { return nil }
        request.body = Array(buffer[bodyStart..<(bodyStart + bodyLength)])
        return (request, bodyStart + bodyLength)
    }
}

/// What the scripted server answers to one request.
struct ScriptedResponse: Sendable {
    var status: Int = 200
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// Interim responses sent first, each a status (1xx) and its header fields.
    var interim: [(status: Int, headers: [(name: String, value: String)])] = []
    /// When `false` the body is framed by closing the connection (RFC 9112 §6.3, item 8).
    var sendsContentLength = true
    var closesConnection = false

    /// The serialised response.
    var bytes: [UInt8] {
        var text = ""
        for response in interim {
            text += "HTTP/1.1 \(response.status) Interim\r\n"
            for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
            text += "\r\n"
        }
        text += "HTTP/1.1 \(status) Scripted\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if sendsContentLength { text += "Content-Length: \(body.count)\r\n" }
        if closesConnection || !sendsContentLength { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }
}

/// The script's decision for one request.
enum ScriptedBehavior: Sendable {
    /// Answer, optionally after a pause.
    case respond(ScriptedResponse, after: Duration = .zero)
    /// Never answer; keep the connection open until the client gives up or the server stops.
    case hang
}
