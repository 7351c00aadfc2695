/// Serialises responses (RFC 9112 §4, §6) with framing the server controls.
enum ResponseEncoder {
    private static let statusLineCache: [Int: (reason: String, line: [UInt8])] = {
        var cache: [Int: (reason: String, line: [UInt8])] = [:]
        for code in [
            100, 200, 201, 202, 204, 301, 302, 303, 304, 307, 400, 401, 403, 404, 405, 408, 409, 410, 413,
            414, 415, 422, 429, 431, 500, 501, 503, 505,
        ] {
            let status = HTTPStatus(code: code)
            cache[code] = (status.reasonPhrase, Array("HTTP/1.1 \(code) \(status.reasonPhrase)\r\n".utf8))
        }
        return cache
    }()

    /// Appends the encoded response to `out`.
    ///
    /// Handler headers that would change framing (`Content-Length`, `Transfer-Encoding`,
    /// `Connection`, `Date`) are replaced by the server's own, and a header whose name or value could
    /// split the response (CR, LF, NUL) is dropped.
    static func encode(
        _ response: HTTPResponse, isHead: Bool, keepAlive: Bool, version: HTTPVersion, dateLine: [UInt8],
        into out: inout [UInt8]
    ) {
        let status = response.status
        if let cached = statusLineCache[status.code], cached.reason == status.reasonPhrase {
            out.append(contentsOf: cached.line)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status.code) \(sanitizedReason(status.reasonPhrase))\r\n".utf8)
        }
        for (name, value) in response.headers where isAllowed(name: name, value: value) {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: value.utf8)
            out.append(13)
            out.append(10)
        }
        out.append(contentsOf: dateLine)
        if status.allowsBody {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &out)
            out.append(13)
            out.append(10)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if version == .http1_0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(13)
        out.append(10)
        if !isHead && status.allowsBody {
            out.append(contentsOf: response.body)
        }
    }

    /// A minimal error response for requests that never reached a responder (parse errors, timeouts).
    static func encodeError(status: Int, message: String, dateLine: [UInt8], into out: inout [UInt8]) {
        var body = "{\"error\":{\"code\":\"" + errorCode(for: status) + "\",\"message\":"
        appendJSONString(message, to: &body)
        body += "}}"
        let response = HTTPResponse(
            status: HTTPStatus(code: status), headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(body.utf8))
        encode(response, isHead: false, keepAlive: false, version: .http1_1, dateLine: dateLine, into: &out)
    }

    private static func errorCode(for status: Int) -> String {
        switch status {
        case 408: "request_timeout"
        case 413: "payload_too_large"
        case 414: "uri_too_long"
        case 431: "headers_too_large"
        case 501: "not_implemented"
        case 503: "service_unavailable"
        case 505: "http_version_not_supported"
        default: "malformed_request"
        }
    }

    private static func appendJSONString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    private static func sanitizedReason(_ reason: String) -> String {
        String(decoding: reason.utf8.filter { $0 >= 0x20 && $0 != 0x7F }, as: UTF8.self)
    }

    @inline(__always)
    private static func isAllowed(name: String, value: String) -> Bool {
        let nameBytes = name.utf8
        switch nameBytes.count {
        case 4 where name.lowercased() == "date": return false
        case 10 where name.lowercased() == "connection": return false
        case 14 where name.lowercased() == "content-length": return false
        case 17 where name.lowercased() == "transfer-encoding": return false
        case 0: return false
        default: break
        }
        for byte in nameBytes where byte <= 0x20 || byte == UInt8(ascii: ":") || byte >= 0x7F { return false }
        for byte in value.utf8 where byte == 13 || byte == 10 || byte == 0 { return false }
        return true
    }
}
