import Foundation
import Glibc

/// One request over a fresh connection (`Connection: close`), for set-up steps of benchmarks.
enum SimpleHTTP {
    static func request(port: Int, method: String, path: String, headers: [String: String] = [:], body: String = "")
        throws -> (status: Int, body: String)
    {
        let fd = try IdleConnectionsBenchmark.connect(port)
        defer { close(fd) }
        var text =
            "\(method) \(path) HTTP/1.1\r\nHost: bench\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n" + body
        let bytes = Array(text.utf8)
        _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        let whole = String(decoding: response, as: UTF8.self)
        guard let split = whole.range(of: "\r\n\r\n") else {
            throw ServerUnderTest.Failure(description: "no response to \(method) \(path)")
        }
        let status = Int(whole.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(whole[split.upperBound...]))
    }

    /// A sample value from the Prometheus text, e.g. `http_request_duration_seconds_sum{route="/x"}`.
    static func metric(_ text: String, _ name: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }
}
