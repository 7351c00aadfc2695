import Foundation
import Glibc

/// A tiny blocking client for talking to the child process.
enum Wire {
    static func connect(port: Int) throws -> Int32 {
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
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Everything until the peer closes (or the timeout).
    static func readAll(_ fd: Int32) -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            collected.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: collected, as: UTF8.self)
    }

    /// A complete GET and its whole response (the server closes with `Connection: close`).
    static func get(port: Int, path: String) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, "GET \(path) HTTP/1.1\r\nHost: e2e\r\nConnection: close\r\n\r\n")
        return readAll(fd)
    }
}

extension Wire {
    /// A JSON response: the status and the body as an object (empty when it is not one).
    struct JSONResponse {
        let status: Int
        let object: [String: Any]
    }

    /// Sends a request with an optional JSON body and bearer token; reads the whole response.
    static func json(port: Int, _ method: Method, _ path: String, body: [String: Any]? = nil, token: String? = nil)
        throws -> JSONResponse
    {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method.rawValue) \(path) HTTP/1.1\r\nHost: e2e\r\nConnection: close\r\n"
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        let fd = try connect(port: port)
        defer { close(fd) }
        send(fd, head + "\r\n" + String(decoding: payload, as: UTF8.self))
        let response = readAll(fd)
        let status = Int(response.dropFirst(9).prefix(3)) ?? 0
        guard let split = response.range(of: "\r\n\r\n") else { return JSONResponse(status: status, object: [:]) }
        let object =
            (try? JSONSerialization.jsonObject(with: Data(response[split.upperBound...].utf8))) as? [String: Any]
        return JSONResponse(status: status, object: object ?? [:])
    }

    enum Method: String {
        case get = "GET"
        case post = "POST"
        case delete = "DELETE"
    }
}
