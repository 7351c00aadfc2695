import ChildProcess
import Foundation

/// Runs Debian's `wrk` and reads its summary.
struct WrkResult {
    var requestsPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var errors: Int

    static func run(
        url: String, threads: Int, connections: Int, seconds: Int, script: String? = nil, timeoutSeconds: Int = 2
    ) throws -> WrkResult {
        var arguments = [
            "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "--timeout", "\(timeoutSeconds)s",
        ]
        if let script { arguments += ["-s", script] }
        let text = try ChildProcess.runBlocking("/usr/bin/wrk", arguments + [url], error: .sameAsOutput).outputText
        guard let requests = number(after: "Requests/sec:", in: text) else {
            throw ServerUnderTest.Failure(description: "wrk failed:\n\(text)")
        }
        var errors = 0
        if let line = text.split(separator: "\n").first(where: { $0.contains("Non-2xx or 3xx responses:") }) {
            errors += Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) ?? 0
        }
        if let line = text.split(separator: "\n").first(where: { $0.contains("Socket errors:") }) {
            errors += line.split(separator: ",").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
                .reduce(0, +)
        }
        return WrkResult(
            requestsPerSecond: requests, p50Milliseconds: latency(after: "50%", in: text),
            p99Milliseconds: latency(after: "99%", in: text), errors: errors)
    }

    private static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].trimmingCharacters(in: .whitespaces).prefix { !$0.isWhitespace })
    }

    /// wrk prints latencies as `1.23ms`, `456.00us` or `1.02s`.
    private static func latency(after label: String, in text: String) -> Double {
        guard
            let line = text.split(separator: "\n").first(where: {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix(label)
            }),
            let value = line.split(separator: " ").last
        else { return .nan }
        let token = String(value)
        if token.hasSuffix("ms") { return Double(token.dropLast(2)) ?? .nan }
        if token.hasSuffix("us") { return (Double(token.dropLast(2)) ?? .nan) / 1000 }
        if token.hasSuffix("s") { return (Double(token.dropLast(1)) ?? .nan) * 1000 }
        return .nan
    }

    var summary: String {
        String(
            format: "%9.0f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d", requestsPerSecond, p50Milliseconds,
            p99Milliseconds, errors)
    }
}

/// Median of several runs, by requests per second.
func medianRun(_ runs: Int, _ body: () throws -> WrkResult) rethrows -> (median: WrkResult, all: [WrkResult]) {
    var results: [WrkResult] = []
    for _ in 0..<runs { results.append(try body()) }
    let sorted = results.sorted { $0.requestsPerSecond < $1.requestsPerSecond }
    return (sorted[sorted.count / 2], results)
}
